"""Check Identity: the SSN and the email address must look valid."""

import json
import re

SSN = re.compile(r"^\d{3}-?\d{2}-?\d{4}$")
EMAIL = re.compile(r"^[a-zA-Z0-9._-]+@[a-zA-Z0-9.-]+\.[a-zA-Z]{2,4}$")


def lambda_handler(event, context):
    ssn, email = event.get("ssn", ""), event.get("email", "")
    print(f"SSN: {ssn} and email: {email}")
    approved = bool(SSN.match(ssn) and EMAIL.match(email))
    return {
        "statusCode": "200",
        "body": json.dumps(
            {
                "approved": approved,
                "message": f"identity validation {'passed' if approved else 'failed'}",
            }
        ),
    }
