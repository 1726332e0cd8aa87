"""Function execution environments: processes speaking the Lambda Runtime API, pooled and limited."""
