"""The `strato` command."""
