"""What the examples' deploy.py scripts share: buckets, roles, zips, functions, permissions.

Plain boto3, so every deploy script works against AWS as well as against Strato. A deploy
script imports it from the folder above its own:

    sys.path.insert(0, os.path.dirname(HERE))
    from lambda_deploy import deploy_function, ...
"""

from __future__ import annotations

import io
import json
import os
import time
import zipfile

from botocore.exceptions import BotoCoreError, ClientError
from botocore.parsers import ResponseParserError

BASIC_EXECUTION = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"


def ensure_bucket(s3, bucket: str, *, versioned: bool = False) -> None:
    """Create the bucket unless it exists; turn versioning on if asked."""
    try:
        s3.head_bucket(Bucket=bucket)
        print(f"bucket {bucket} already exists")
    except ClientError as e:
        if e.response["Error"]["Code"] not in ("404", "NoSuchBucket"):
            raise
        region = s3.meta.region_name
        kwargs = {}
        if region != "us-east-1":
            kwargs["CreateBucketConfiguration"] = {"LocationConstraint": region}
        s3.create_bucket(Bucket=bucket, **kwargs)
        print(f"created bucket {bucket}")
    if versioned:
        s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
        print(f"versioning enabled on {bucket}")


def execution_role(session, role_name: str, statements: list[dict]) -> str:
    """The role a function runs as (basic execution plus `statements`), created if missing."""
    return service_role(
        session, role_name, statements, "lambda.amazonaws.com", managed=(BASIC_EXECUTION,)
    )


def ensure_table(ddb, table: str, key: str) -> str:
    """An on-demand table with string hash key `key`, created unless it exists: its ARN."""
    try:
        arn = ddb.describe_table(TableName=table)["Table"]["TableArn"]
        print(f"table {table} already exists")
        return arn
    except ddb.exceptions.ResourceNotFoundException:
        pass
    arn = ddb.create_table(
        TableName=table,
        AttributeDefinitions=[{"AttributeName": key, "AttributeType": "S"}],
        KeySchema=[{"AttributeName": key, "KeyType": "HASH"}],
        BillingMode="PAY_PER_REQUEST",
    )["TableDescription"]["TableArn"]
    ddb.get_waiter("table_exists").wait(TableName=table)
    print(f"created table {table}")
    return arn


def folder_zip(folder: str) -> bytes:
    """Zip a folder as Lambda unpacks it; scripts (#!) stay executable."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for root, dirs, files in os.walk(folder):
            dirs[:] = sorted(d for d in dirs if d != "__pycache__")
            for name in sorted(files):
                path = os.path.join(root, name)
                with open(path, "rb") as f:
                    content = f.read()
                info = zipfile.ZipInfo(
                    os.path.relpath(path, folder), date_time=(2024, 1, 1, 0, 0, 0)
                )
                info.external_attr = (0o755 if content.startswith(b"#!") else 0o644) << 16
                zf.writestr(info, content)
    return buf.getvalue()


def deploy_function(lam, name: str, code: bytes, **config) -> str:
    """Create the function, or bring an existing one up to date; returns its ARN."""
    try:
        lam.get_function(FunctionName=name)
    except lam.exceptions.ResourceNotFoundException:
        for attempt in range(10):
            try:
                arn = lam.create_function(FunctionName=name, Code={"ZipFile": code}, **config)[
                    "FunctionArn"
                ]
                break
            except lam.exceptions.InvalidParameterValueException as e:
                # On AWS a role created seconds ago may not be assumable yet.
                if "cannot be assumed" not in str(e) or attempt == 9:
                    raise
                time.sleep(3)
        lam.get_waiter("function_active_v2").wait(FunctionName=name)
        print(f"created function {name}")
        return arn
    lam.update_function_code(FunctionName=name, ZipFile=code)
    lam.get_waiter("function_updated_v2").wait(FunctionName=name)
    arn = lam.update_function_configuration(FunctionName=name, **config)["FunctionArn"]
    lam.get_waiter("function_updated_v2").wait(FunctionName=name)
    print(f"updated function {name}")
    return arn


def allow_invoke(lam, name: str, sid: str, principal: str, source_arn: str) -> None:
    """Let a service (s3, events, ...) invoke the function for one source; rerun-safe."""
    try:
        lam.remove_permission(FunctionName=name, StatementId=sid)
    except lam.exceptions.ResourceNotFoundException:
        pass
    lam.add_permission(
        FunctionName=name,
        StatementId=sid,
        Action="lambda:InvokeFunction",
        Principal=principal,
        SourceArn=source_arn,
    )
    print(f"{principal} may invoke {name} for {source_arn}")


def state_machine_role(
    session, role_name: str, statements: list[dict], service: str = "states.amazonaws.com"
) -> str:
    """The role a state machine (or another `service`) runs as, created if missing."""
    return service_role(session, role_name, statements, service)


def service_role(
    session, role_name: str, statements: list[dict], service: str, managed: tuple = ()
) -> str:
    """A role `service` may assume, with `managed` policies and `statements`, created with
    IAM if it is missing. Strato does not host IAM yet and does not check roles; there a
    placeholder ARN stands in."""
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}
        ],
    }
    iam = session.client("iam")
    try:
        try:
            return iam.get_role(RoleName=role_name)["Role"]["Arn"]
        except iam.exceptions.NoSuchEntityException:
            pass
        arn = iam.create_role(RoleName=role_name, AssumeRolePolicyDocument=json.dumps(trust))[
            "Role"
        ]["Arn"]
    except (ClientError, BotoCoreError, ResponseParserError) as e:
        if not os.environ.get("AWS_ENDPOINT_URL"):
            raise
        print(f"IAM is not available at {os.environ['AWS_ENDPOINT_URL']} ({type(e).__name__});")
        print("  using a placeholder role ARN (Strato does not check roles yet)")
        return f"arn:aws:iam::000000000000:role/{role_name}"
    for policy_arn in managed:
        iam.attach_role_policy(RoleName=role_name, PolicyArn=policy_arn)
    if statements:  # IAM refuses a policy without statements
        iam.put_role_policy(
            RoleName=role_name,
            PolicyName="access",
            PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": statements}),
        )
    print(f"created role {arn}")
    return arn


def asl_definition(path: str, substitutions: dict[str, str]) -> str:
    """An .asl.json file with its ${Name} placeholders filled in, as SAM's DefinitionSubstitutions."""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    for key, value in substitutions.items():
        text = text.replace("${" + key + "}", value)
    json.loads(text)  # fail here, not at CreateStateMachine, if a substitution broke it
    return text


def deploy_state_machine(
    sfn, name: str, definition: str, role_arn: str, kind: str = "STANDARD"
) -> str:
    """Create the state machine, or update an existing one's definition; returns its ARN."""
    for machine in sfn.get_paginator("list_state_machines").paginate().search("stateMachines"):
        if machine["name"] == name:
            arn = machine["stateMachineArn"]
            sfn.update_state_machine(stateMachineArn=arn, definition=definition, roleArn=role_arn)
            print(f"updated state machine {name}")
            return arn
    for attempt in range(10):
        try:
            arn = sfn.create_state_machine(
                name=name, definition=definition, roleArn=role_arn, type=kind
            )["stateMachineArn"]
            break
        except ClientError as e:
            # On AWS a role created seconds ago may not be assumable yet.
            if e.response["Error"]["Code"] != "AccessDeniedException" or attempt == 9:
                raise
            time.sleep(3)
    print(f"created state machine {name} ({kind})")
    return arn
