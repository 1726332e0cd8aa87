import json
import urllib.request


def test_health_names_services(endpoint):
    with urllib.request.urlopen(endpoint + "/_strato/health") as r:
        body = json.loads(r.read())
    assert r.status == 200
    assert body["services"]["s3"] == "running"


def test_put_get_roundtrip(s3, bucket):
    s3.put_object(Bucket=bucket, Key="k", Body=b"v")
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"v"
