"""Metric-math alarms, judged on plain data: the expression is evaluated for a period with one
event and for a period without, and the alarm must breach in the first and be quiet in the
second. What the evaluator does not know is MANUAL (a Gap) and the sentence names it."""

from __future__ import annotations

import pytest

from prowler_ext.chain import metric_math
from prowler_ext.chain.alarm import notifies_on_one_event
from prowler_ext.chain.evidence import AlarmEvidence, Gap, MetricKey, MetricTransformation
from prowler_ext.chain.metric_math import Scalar, Series, SeriesArray, UndecidedError

NAMESPACE, NAME = "CISBenchmark", "GatewayChanges"
METRIC = MetricKey("us-east-1", NAMESPACE, NAME)
FILTER = MetricTransformation(NAME, NAMESPACE, "1")


def stat(
    query_id: str = "m1",
    statistic: str = "Sum",
    *,
    name: str = NAME,
    dimensions: dict[str, str] | None = None,
    unit: str | None = None,
) -> dict:
    """A MetricStat query as DescribeAlarms answers it."""
    metric: dict = {"Namespace": NAMESPACE, "MetricName": name}
    if dimensions:
        metric["Dimensions"] = [{"Name": k, "Value": v} for k, v in dimensions.items()]
    query = {"Id": query_id, "MetricStat": {"Metric": metric, "Period": 300, "Stat": statistic}}
    if unit:
        query["MetricStat"]["Unit"] = unit
    query["ReturnData"] = False
    return query


def math_alarm(
    expression: str,
    *queries: dict,
    threshold: float = 1.0,
    comparison: str = "GreaterThanOrEqualToThreshold",
    treat_missing_data: str | None = None,
    evaluation_periods: int | None = 1,
    datapoints_to_alarm: int | None = None,
) -> AlarmEvidence:
    """An alarm returning `e1 = expression` over `queries` (default: m1, Sum of the metric)."""
    metrics = (*(queries or (stat(),)), {"Id": "e1", "Expression": expression, "ReturnData": True})
    return AlarmEvidence(
        name="gateway-math",
        arn="arn:aws:cloudwatch:us-east-1:123456789012:alarm:gateway-math",
        region="us-east-1",
        namespace=None,
        metric_name=None,
        dimensions=(),
        statistic=None,
        extended_statistic=None,
        threshold=threshold,
        comparison=comparison,
        evaluation_periods=evaluation_periods,
        datapoints_to_alarm=datapoints_to_alarm,
        actions_enabled=True,
        alarm_actions=("arn:aws:sns:us-east-1:123456789012:security-alerts",),
        metrics=metrics,
        treat_missing_data=treat_missing_data,
    )


def judge(alarm: AlarmEvidence, transformation: MetricTransformation = FILTER, value=1.0):
    return notifies_on_one_event(alarm, METRIC, transformation, value)


def gap_text(finding) -> str:
    assert isinstance(finding, Gap), finding
    return finding.what


# ------------------------------------------------------------------ the evaluator alone


def period(expression: str, *queries: dict, m1: float | None) -> Series:
    """The expression's datapoint when every MetricStat query of the metric reads `m1`."""
    queries = queries or (stat(),)
    returned = {"Id": "e1", "Expression": expression}
    return metric_math.evaluate([*queries, returned], returned, lambda q: Series(m1))


@pytest.mark.parametrize(
    ("expression", "with_event", "without_event"),
    [
        ("m1", 1, None),
        ("FILL(m1, 0)", 1, 0),
        ("FILL(m1, -3.5)", 1, -3.5),
        ("m1 * 4", 4, None),
        ("m1 + 2", 3, None),
        ("m1 - 2", -1, None),
        ("m1 / 4", 0.25, None),
        ("m1 / 0", None, None),  # a division by zero drops the datapoint
        ("m1 ^ 3", 1, None),
        ("2 ^ -1 * m1", 0.5, None),
        ("-m1", -1, None),
        ("-m1 ^ 2", -1, None),  # ^ binds tighter than the sign
        ("(m1 + 1) * 2", 4, None),
        ("m1 + 1 * 2", 3, None),
        ("m1 * 0", 0, None),
        ("SUM(METRICS())", 1, None),
        ("SUM([m1, FILL(m1, 5)])", 2, 5),
        ("AVG([m1, FILL(m1, 5)])", 1, 2.5),  # AWS: a missing member counts as 0
        ("MAX([m1, m1 * 3])", 3, None),
        ("MIN([m1, m1 * 3])", 1, None),
        ("MAX([m1, FILL(m1, 0)])", 1, 0),
        ("IF(m1 > 0, 1, 0)", 1, None),
        ("IF(m1 > 5, 1, 0)", 0, None),
        ("IF(m1 < 5, 7)", 7, None),
        ("IF(m1 > 5, 7)", None, None),  # false and no third argument: dropped
        ("IF(FILL(m1, 0) > 0, 1, 0)", 1, 0),
        ("IF(FILL(m1, 0) == 0, m1, 9)", 9, 0),  # true and m1 has nothing: 0
        ("IF(1, m1, 5)", 1, None),
        ("m1 > 0 AND m1 < 2", 1, None),
        ("m1 > 0 && m1 > 1", 0, None),
        ("m1 > 5 OR m1 == 1", 1, None),
        ("m1 > 5 || m1 != 1", 0, None),
        ("NOT m1", 0, None),
        ("!(m1 > 5)", 1, None),
        ("NOT FILL(m1, 0)", 0, 1),
        ("FILL(m1, 0) + m1", 2, 0),  # between series, a missing one counts as 0
        ("FILL(m1, 0) > m1", 0, 0),
        ("ABS(m1 - 3)", 2, None),
        ("CEIL(m1 / 3)", 1, None),
        ("FLOOR(FILL(m1, 0) / 3)", 0, 0),
        ("FIRST([m1 * 2, m1])", 2, None),
        ("LAST(METRICS())", 1, None),
        ("1e1 * .5 * m1", 5, None),
    ],
)
def test_the_value_of_one_period_with_and_without_the_event(expression, with_event, without_event):
    assert period(expression, m1=1.0).value == with_event
    assert period(expression, m1=None).value == without_event


def test_expressions_refer_to_each_other_and_metrics_lists_only_metric_queries():
    queries = (
        stat("m1"),
        stat("m2", "SampleCount"),
        {"Id": "e0", "Expression": "m1 * 10", "ReturnData": False},
    )
    assert period("e0 + SUM(METRICS())", *queries, m1=2.0).value == 24  # 20 + (2 + 2)


def test_each_distinct_expression_is_parsed_once():
    metric_math._parse_cached.cache_clear()
    for _ in range(3):
        metric_math.parse("FILL(m1, 0) * 2")
    info = metric_math._parse_cached.cache_info()
    assert (info.misses, info.hits) == (1, 2)


def test_values_keep_their_kind():
    assert metric_math.Evaluation([], lambda q: Series(1.0)).node(metric_math.parse("2 * 3")) == (
        Scalar(6.0)
    )
    value = metric_math.Evaluation([stat()], lambda q: Series(1.0)).node(
        metric_math.parse("METRICS() * 2")
    )
    assert value == SeriesArray((Series(2.0),))


@pytest.mark.parametrize(
    ("expression", "named"),
    [
        ("RATE(m1)", "uses RATE"),
        ("DIFF(m1)", "uses DIFF"),
        ("RUNNING_SUM(m1)", "uses RUNNING_SUM"),
        ("m1 / PERIOD(m1)", "uses PERIOD"),
        ("ANOMALY_DETECTION_BAND(m1, 2)", "uses ANOMALY_DETECTION_BAND"),
        ("INSIGHT_RULE_METRIC(rule, UniqueContributors)", "uses INSIGHT_RULE_METRIC"),
        ("SEARCH('{CISBenchmark} MetricName=\"GatewayChanges\"', 'Sum', 300)", "uses SEARCH"),
        ("FILL(m1, REPEAT)", "uses FILL with REPEAT"),
        ("FILL(m1, LINEAR)", "uses FILL with LINEAR"),
        ("FILL(RATE(m1), 0)", "uses RATE"),
        ("fill(m1, 0)", "uses fill"),  # AWS's functions are upper case
        ("SUM(m1)", "uses SUM of a time series"),
        ("m1 - AVG(m1)", "uses AVG of a time series"),
        ("SUM(METRICS('m'))", "uses METRICS with a filter string"),
        ("MAX([m1, FILL(m1, 0) - 1])", "uses MAX over time series of which only some"),
    ],
)
def test_what_the_evaluator_does_not_know_is_manual_and_named(expression, named):
    text = gap_text(judge(math_alarm(expression)))
    assert text.startswith(f"metric-math alarm gateway-math {named}")


@pytest.mark.parametrize(
    ("expression", "problem"),
    [
        ("m1 +", "'m1 +': it ends too early"),
        ("(m1 * 2", "it ends too early"),
        ("m1 $ 2", "unexpected '$' at character 4"),
        ("m1 < 2 < 3", "unexpected '<' at character 8"),
        ("m1 and m2", "unexpected 'and'"),
        ("", "it ends too early"),
        ("m1 " + "* m1 " * 500, "longer than 2048 characters"),
        ("-" * 60 + "m1", "more than 32 levels deep"),
        ("m9 * 2", "refers to m9, which is none of its queries"),
        ("e1 + 1", "has expressions that refer to each other (e1 -> e1)"),
        ("FILL(m1)", "calls FILL with 1 arguments instead of 2"),
        ("IF(m1)", "calls IF with 1 arguments instead of 2 to 3"),
        ("'text'", "uses the text 'text' where a value belongs"),
        ("5", "returns a number from e1, not the single time series"),
        ("METRICS()", "returns an array of time series from e1"),
        ("[m1, 5]", "puts a number in an array"),
        ("[m1] + [m1]", "applies + to two arrays"),
        ("m1 * (1 / 0)", "computes 1 / 0, which has no value"),
    ],
)
def test_malformed_expressions_are_manual_never_an_exception(expression, problem):
    assert problem in gap_text(judge(math_alarm(expression)))


def test_expressions_over_expressions_are_followed_ten_deep():
    deepest = "ABS(" * 31 + "{}" + ")" * 31  # as deep as an expression may nest
    queries = [stat()] + [
        {"Id": f"e{i}", "Expression": deepest.format(f"e{i - 1}" if i else "m1")} for i in range(10)
    ]
    assert metric_math.evaluate(queries, queries[-1], lambda q: Series(-2.0)) == Series(2.0)
    queries.append({"Id": "e10", "Expression": "e9"})
    with pytest.raises(UndecidedError, match="chains more than 10 expressions"):
        metric_math.evaluate(queries, queries[-1], lambda q: Series(-2.0))


def test_deep_parentheses_parse_without_recursion():
    expression = "(" * 900 + "m1" + ")" * 900
    assert judge(math_alarm(expression)) is None


# ------------------------------------------------------------------ the verdict of the link


@pytest.mark.parametrize(
    "expression",
    [
        "FILL(m1, 0)",
        "m1 * 5",
        "m1 + 1",
        "SUM(METRICS())",
        "MAX([m1, m2])",
        "IF(m1 > 0, 1, 0)",
        "-(-m1)",
        "m1 > 0 AND m2 >= 1",
        "IF(m1 >= 1 OR m2 > 3, 10, 0)",
        "CEIL(m1 / 2)",
    ],
)
def test_plain_expressions_over_the_metric_pass(expression):
    alarm = math_alarm(expression, stat("m1"), stat("m2", "SampleCount"))
    assert judge(alarm) is None


def test_the_fixer_and_the_check_share_the_predicate():
    """`notifies_on_one_event` is the one entry: an expression alarm no longer says 'cannot
    evaluate' for every expression."""
    assert judge(math_alarm("FILL(m1, 0)")) is None
    assert judge(math_alarm("FILL(m1, 0)", comparison="GreaterThanThreshold")) == (
        "metric-math alarm gateway-math computes FILL(m1, 0), which is 1 for a period with one "
        "event, and 1 > 1 is false, so one event never fires it"
    )


def test_multiplying_by_zero_never_fires():
    assert judge(math_alarm("m1 * 0")) == (
        "metric-math alarm gateway-math computes m1 * 0, which is 0 for a period with one "
        "event, and 0 >= 1 is false, so one event never fires it"
    )


def test_a_value_that_stays_put_is_said_so():
    assert judge(math_alarm("FILL(m1 * 0, 0)")) == (
        "metric-math alarm gateway-math computes FILL(m1 * 0, 0), which is 0 whether or not an "
        "event happens, and 0 >= 1 is false, so one event never fires it"
    )


def test_an_expression_that_breaches_without_the_event_sits_in_alarm():
    assert judge(math_alarm("FILL(m1, 1)")) == (
        "metric-math alarm gateway-math computes FILL(m1, 1), which is 1 without any event, and "
        "1 >= 1 already holds, so it sits in ALARM and an event sends no notification"
    )


def test_less_than_operators_are_taken_literally():
    assert judge(math_alarm("0 - m1", threshold=0, comparison="LessThanThreshold")) is None
    finding = judge(math_alarm("IF(m1 > 0, 0, 1)", threshold=1, comparison="LessThanThreshold"))
    assert finding is None
    finding = judge(math_alarm("FILL(m1, 0) - 1", threshold=1, comparison="LessThanThreshold"))
    assert "which is -1 without any event, and -1 < 1 already holds" in finding


def test_no_datapoint_with_the_event_never_fires():
    assert judge(math_alarm("IF(m1 > 5, 1)")) == (
        "metric-math alarm gateway-math computes IF(m1 > 5, 1), which has no datapoint for a "
        "period with one event, so one event never fires it"
    )


@pytest.mark.parametrize(
    ("treat_missing_data", "verdict"), [(None, None), ("missing", None), ("notBreaching", None)]
)
def test_missing_data_between_events_is_quiet_unless_breaching(treat_missing_data, verdict):
    alarm = math_alarm("m1 * 2", treat_missing_data=treat_missing_data)
    assert judge(alarm) == verdict


def test_missing_data_treated_as_breaching_keeps_the_alarm_in_alarm():
    assert judge(math_alarm("IF(m1 > 0, 1, 0)", treat_missing_data="breaching")) == (
        "metric-math alarm gateway-math computes IF(m1 > 0, 1, 0), which has no datapoint "
        "without an event, and the alarm treats missing data as breaching, so it stays in ALARM "
        "between events and an event sends no notification"
    )


def test_a_filled_expression_does_not_care_how_missing_data_is_treated():
    assert judge(math_alarm("FILL(m1, 0)", treat_missing_data="breaching")) is None


def test_no_datapoint_with_the_event_and_breaching_missing_data():
    # nothing in either period: missing data breaches all along, so it sits in ALARM
    finding = judge(math_alarm("IF(m1 > 5, 1)", treat_missing_data="breaching"))
    assert "treats missing data as breaching, so it stays in ALARM" in finding
    # nothing with the event, 0 without: the alarm's handling of missing data decides
    text = gap_text(judge(math_alarm("IF(FILL(m1, 0) == 0, 0)", treat_missing_data="breaching")))
    assert "has no datapoint for a period with one event but 0 without one" in text


@pytest.mark.parametrize(
    ("statistic", "expression", "verdict"),
    [
        ("SampleCount", "m1 * 1", None),
        ("TC(1:10)", "m1 * 1", None),
        ("p99", "m1 - 4", "which is -3 for a period with one event"),
        ("Average", "m1 * 2", None),
        ("Maximum", "FILL(m1, 0)", None),
    ],
)
def test_statistics_of_one_datapoint(statistic, expression, verdict):
    finding = judge(math_alarm(expression, stat("m1", statistic)), value=1.0)
    assert finding is None if verdict is None else verdict in finding


def test_sample_count_of_any_value_is_one():
    assert judge(math_alarm("m1 - 1", stat("m1", "SampleCount")), value=5.0) == (
        "metric-math alarm gateway-math computes m1 - 1, which is 0 for a period with one event, "
        "and 0 >= 1 is false, so one event never fires it"
    )


def test_an_unreadable_statistic_is_manual():
    text = gap_text(judge(math_alarm("FILL(m1, 0)", stat("m1", "Weird"))))
    assert text == (
        "metric-math alarm gateway-math uses the statistic Weird in m1, which the check cannot read"
    )


def test_a_query_of_another_metric_is_manual_and_named():
    alarm = math_alarm("m1 + m2", stat("m1"), stat("m2", name="Other"))
    assert gap_text(judge(alarm)) == (
        "metric-math alarm gateway-math reads m2, metric CISBenchmark/Other, whose values the "
        "check cannot know"
    )


def test_the_same_metric_with_other_dimensions_is_another_metric():
    alarm = math_alarm("SUM(METRICS())", stat("m1"), stat("m2", dimensions={"Gateway": "igw"}))
    assert "reads m2, metric CISBenchmark/GatewayChanges {Gateway=igw}" in gap_text(judge(alarm))


def test_a_query_of_another_metric_that_the_expression_does_not_use_is_ignored():
    alarm = math_alarm("FILL(m1, 0)", stat("m1"), stat("m2", name="Other"))
    assert judge(alarm) is None


def test_an_alarm_that_reads_only_other_metrics_watches_another_metric():
    alarm = math_alarm("FILL(m2, 0)", stat("m2", name="Other"))
    assert judge(alarm) == "alarm gateway-math watches another metric"


def test_a_query_of_another_unit_reads_nothing():
    alarm = math_alarm("FILL(m1, 0)", stat("m1", unit="Count"))
    assert judge(alarm) == (
        "metric-math alarm gateway-math computes FILL(m1, 0) (its query m1 asks for unit Count, "
        "but the filter publishes None, so it has no datapoint), which is 0 whether or not an "
        "event happens, and 0 >= 1 is false, so one event never fires it"
    )
    counted = MetricTransformation(NAME, NAMESPACE, "1", unit="Count")
    assert judge(alarm, counted) is None


def test_more_than_one_breaching_datapoint_never_fires():
    alarm = math_alarm("RATE(m1)", evaluation_periods=3)  # decided before the expression
    assert judge(alarm) == (
        "alarm gateway-math needs 3 breaching datapoints, so one event never fires it"
    )
    alarm = math_alarm("FILL(m1, 0)", evaluation_periods=3, datapoints_to_alarm=2)
    assert "needs 2 breaching datapoints" in judge(alarm)


def test_unreadable_evaluation_periods_are_manual():
    alarm = math_alarm("FILL(m1, 0)", evaluation_periods=None)
    assert gap_text(judge(alarm)) == "alarm gateway-math has no readable EvaluationPeriods"


def test_an_anomaly_band_is_manual():
    alarm = math_alarm(
        "ANOMALY_DETECTION_BAND(m1, 2)",
        threshold=None,
        comparison="LessThanLowerOrGreaterThanUpperThreshold",
    )
    assert "an anomaly band or metric threshold" in gap_text(judge(alarm))


def test_several_returned_queries_are_manual():
    alarm = math_alarm("FILL(m1, 0)", {**stat(), "ReturnData": True})
    assert "returns 2 queries instead of one" in gap_text(judge(alarm))


def test_a_default_value_with_an_expression_is_manual():
    with_default = MetricTransformation(NAME, NAMESPACE, "1", default_value=0.0)
    assert gap_text(judge(math_alarm("FILL(m1, 0)"), with_default)) == (
        "metric-math alarm gateway-math computes FILL(m1, 0) over a metric whose filter has a "
        "defaultValue (0), published for every other record, which the check cannot evaluate "
        "in an expression"
    )


def test_an_alarm_returning_the_metric_itself_keeps_the_statistic_rules():
    alarm = math_alarm("m1 * 2")
    direct = AlarmEvidence(**{**alarm.__dict__, "metrics": ({**stat(), "ReturnData": True},)})
    assert judge(direct) is None
    with_default = MetricTransformation(NAME, NAMESPACE, "1", default_value=1.0)
    assert "sits in ALARM without any event" in judge(direct, with_default)


def test_the_evaluator_reports_undecided_as_an_exception_with_a_sentence():
    with pytest.raises(UndecidedError, match="uses RATE"):
        period("RATE(m1)", m1=1.0)


def test_an_expression_must_also_fire_on_a_burst_of_events():
    """Every event in a period adds to Sum: an expression that fires on one event but drops
    back on more never notifies about a burst (a gateway created and attached together)."""
    assert judge(math_alarm("m1 > 0 AND NOT m1 > 5")) == (
        "metric-math alarm gateway-math computes m1 > 0 AND NOT m1 > 5, which fires on one "
        "event but not on 6 in one period (0 >= 1 is false), so a burst of events sends no "
        "notification"
    )
    assert "but not on 2 in one period" in judge(math_alarm("IF(m1 == 1, 1, 0)"))
    assert "but not on 2 in one period" in judge(math_alarm("2 - m1"))


def test_a_burst_that_cannot_be_proven_either_way_is_manual():
    finding = judge(math_alarm("(m1 + 1) ^ 2"))
    assert isinstance(finding, Gap)
    assert "any number of events in one period" in finding.what


@pytest.mark.parametrize("statistic", ["Average", "Maximum", "Minimum", "p90"])
def test_statistics_that_do_not_add_up_need_no_burst_proof(statistic):
    """Average, Maximum, Minimum and percentiles of n datapoints of one value are that value."""
    assert judge(math_alarm("IF(m1 == 1, 1, 0)", stat("m1", statistic))) is None


def test_direction_is_sound_on_what_it_proves():
    """Wherever `direction` claims a way, the value moves that way over 1..50 events."""
    for expression in [
        "m1 * 3 - 2",
        "0 - m1",
        "IF(m1 > 2, 1, 0)",
        "MAX([m1, m1 * 2])",
        "FILL(m1, 0) / 4",
        "m1 > 1 AND m1 < 9",
        "-m1 + m1",
        "m1 * m1",
        "ABS(m1 - 5)",
    ]:
        queries = (stat(), {"Id": "e1", "Expression": expression, "ReturnData": True})

        def moves(query):
            return 1

        claimed = metric_math.direction(queries, queries[-1], moves)
        values = [
            metric_math.evaluate(queries, queries[-1], lambda q, k=k: Series(float(k))).value
            for k in range(1, 51)
        ]
        steps = {(b > a) - (b < a) for a, b in zip(values, values[1:], strict=False)}
        if claimed is not None:
            assert steps <= {0, claimed}, (expression, claimed, values)
