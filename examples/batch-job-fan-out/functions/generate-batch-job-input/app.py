"""Generate batch job input: how many batch jobs to fan out, as a list of job numbers.

As in the post's sample, the count stands in for real pre-processing: a random number from
2 to 9, unless the execution's input asks for a number of jobs (`{"jobs": 3}`).
"""

import random


def lambda_handler(event, context):
    count = event.get("jobs") if isinstance(event, dict) else None
    if not isinstance(count, int) or count < 1:
        count = random.randint(2, 9)
    print(f"fanning out {count} batch jobs")
    return list(range(count))
