"""Topics and subscriptions survive a restart, and delivery works after it (a private server)."""

from __future__ import annotations

import json

import boto3
from botocore.config import Config
from conftest import allow_topic

from strato_server import StratoProcess


def _client(server: StratoProcess, service: str):
    return boto3.client(
        service,
        endpoint_url=server.endpoint,
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
        config=Config(retries={"total_max_attempts": 1}),
    )


def test_topics_and_subscriptions_survive_restart(tmp_path):
    server = StratoProcess(str(tmp_path / "state")).start()
    try:
        sns, sqs = _client(server, "sns"), _client(server, "sqs")
        topic = sns.create_topic(Name="durable", Tags=[{"Key": "k", "Value": "v"}])["TopicArn"]
        url = sqs.create_queue(QueueName="durable-q")["QueueUrl"]
        arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"][
            "QueueArn"
        ]
        sqs.set_queue_attributes(QueueUrl=url, Attributes={"Policy": allow_topic(topic, arn)})
        sub = sns.subscribe(
            TopicArn=topic, Protocol="sqs", Endpoint=arn, Attributes={"RawMessageDelivery": "true"}
        )["SubscriptionArn"]
        server.kill()
        server.start()
        sns, sqs = _client(server, "sns"), _client(server, "sqs")
        assert sns.list_tags_for_resource(ResourceArn=topic)["Tags"] == [{"Key": "k", "Value": "v"}]
        attrs = sns.get_subscription_attributes(SubscriptionArn=sub)["Attributes"]
        assert attrs["RawMessageDelivery"] == "true"
        sns.publish(TopicArn=topic, Message=json.dumps({"after": "restart"}))
        out = sqs.receive_message(QueueUrl=url, WaitTimeSeconds=5)
        assert [json.loads(m["Body"]) for m in out["Messages"]] == [{"after": "restart"}]
    except Exception:
        print(server.log())  # the server's own account of what went wrong
        raise
    finally:
        server.stop()
