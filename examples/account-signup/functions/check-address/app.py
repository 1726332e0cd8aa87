"""Check Address: street, city, state and zip must all be filled in."""

import json


def lambda_handler(event, context):
    parts = [event.get(k) for k in ("street", "city", "state", "zip")]
    print(f"Address information: {parts[0]}, {parts[1]}, {parts[2]} - {parts[3]}")
    approved = all(isinstance(p, str) and p.strip() for p in parts)
    return {
        "statusCode": "200",
        "body": json.dumps(
            {
                "approved": approved,
                "message": f"address validation {'passed' if approved else 'failed'}",
            }
        ),
    }
