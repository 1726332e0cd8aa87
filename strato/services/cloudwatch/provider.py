"""The CloudWatch provider: metrics, metric queries, alarms and tags, one method per operation.

Other parts of Strato record metrics without HTTP through `platform.provider("cloudwatch")`:
`put_metric(...)` for one value, `put_data(...)` for many, `put_emf(...)` for an EMF log line.
"""

from __future__ import annotations

from ...platform import Platform
from .alarms import AlarmOperations
from .metric_queries import MetricQueryOperations
from .metrics import MetricOperations
from .tags import TagOperations


class CloudWatchProvider(MetricOperations, MetricQueryOperations, AlarmOperations, TagOperations):
    # Other services queue metrics; they are written before any CloudWatch call reads them.
    reads_reports = True

    def __init__(self, platform: Platform) -> None:
        MetricOperations.__init__(self, platform)
        AlarmOperations.__init__(self, platform)
