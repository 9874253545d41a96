#include "traffic/loadtesttarget.h"

#include <QRegularExpression>

namespace ServeDeck {

namespace {

constexpr qsizetype kMaxTextLength = 64;

ServiceError invalid(const QString &text, const QString &why)
{
    return makeError(ErrorType::InvalidArgument, QStringLiteral("target \"%1\": %2").arg(text.left(kMaxTextLength), why),
                     {{QStringLiteral("field"), QStringLiteral("targets")}});
}

bool isTime(LoadTestTarget::Metric metric)
{
    return metric == LoadTestTarget::Metric::Latency || metric == LoadTestTarget::Metric::TimeToFirstToken
        || metric == LoadTestTarget::Metric::InterTokenLatency;
}

bool isRatio(LoadTestTarget::Metric metric)
{
    return metric == LoadTestTarget::Metric::SuccessRatio || metric == LoadTestTarget::Metric::ErrorRatio;
}

QString number(double value)
{
    return QString::number(value, 'g', 10);
}

} // namespace

Result<LoadTestTarget> LoadTestTarget::parse(const QString &input)
{
    const QString text = input.trimmed();
    if (text.isEmpty() || text.size() > kMaxTextLength)
        return invalid(text, QStringLiteral("expected e.g. p95<200ms, rps>30, success>95%"));
    static const QRegularExpression grammar(QStringLiteral(
        R"(^(rps|success|errors|tps|(ttft_|itl_)?p(\d{1,2}(?:\.\d{1,3})?))\s*([<>])\s*(\d{1,9}(?:\.\d{1,6})?)\s*(ms|s|us|%)?$)"));
    const QRegularExpressionMatch match = grammar.match(text);
    if (!match.hasMatch())
        return invalid(text, QStringLiteral("expected e.g. p95<200ms, rps>30, success>95%, ttft_p95<500ms"));
    LoadTestTarget target;
    const QString metric = match.captured(1);
    if (metric == u"rps")
        target.metric = Metric::Throughput;
    else if (metric == u"success")
        target.metric = Metric::SuccessRatio;
    else if (metric == u"errors")
        target.metric = Metric::ErrorRatio;
    else if (metric == u"tps")
        target.metric = Metric::TokensPerSecond;
    else if (match.captured(2) == u"ttft_")
        target.metric = Metric::TimeToFirstToken;
    else if (match.captured(2) == u"itl_")
        target.metric = Metric::InterTokenLatency;
    else
        target.metric = Metric::Latency;
    if (!match.captured(3).isEmpty()) {
        target.percentile = match.captured(3).toDouble();
        if (target.percentile <= 0 || target.percentile >= 100)
            return invalid(text, QStringLiteral("a percentile is above 0 and below 100"));
    }
    target.comparison = match.captured(4) == u"<" ? Comparison::Below : Comparison::Above;
    target.threshold = match.captured(5).toDouble();
    const QString unit = match.captured(6);
    if (isTime(target.metric)) {
        if (unit == u"s")
            target.threshold *= 1000;
        else if (unit == u"us")
            target.threshold /= 1000;
        else if (unit != u"ms")
            return invalid(text, QStringLiteral("a time needs a unit: us, ms or s"));
    } else if (isRatio(target.metric)) {
        if (!unit.isEmpty() && unit != u"%")
            return invalid(text, QStringLiteral("a ratio is in %"));
        if (target.threshold > 100)
            return invalid(text, QStringLiteral("a ratio is at most 100%"));
    } else if (!unit.isEmpty()) {
        return invalid(text, QStringLiteral("a rate has no unit"));
    }
    return target;
}

QList<LoadTestTarget> LoadTestTarget::defaults()
{
    return {{Metric::Throughput, 0, Comparison::Above, 30},
            {Metric::Latency, 95, Comparison::Below, 200},
            {Metric::SuccessRatio, 0, Comparison::Above, 95}};
}

QString LoadTestTarget::text() const
{
    const QString op = comparison == Comparison::Below ? QStringLiteral("<") : QStringLiteral(">");
    switch (metric) {
    case Metric::Throughput:
        return QStringLiteral("rps") + op + number(threshold);
    case Metric::SuccessRatio:
        return QStringLiteral("success") + op + number(threshold) + u'%';
    case Metric::ErrorRatio:
        return QStringLiteral("errors") + op + number(threshold) + u'%';
    case Metric::TokensPerSecond:
        return QStringLiteral("tps") + op + number(threshold);
    case Metric::Latency:
        return u'p' + number(percentile) + op + number(threshold) + QStringLiteral("ms");
    case Metric::TimeToFirstToken:
        return QStringLiteral("ttft_p") + number(percentile) + op + number(threshold) + QStringLiteral("ms");
    case Metric::InterTokenLatency:
        return QStringLiteral("itl_p") + number(percentile) + op + number(threshold) + QStringLiteral("ms");
    }
    return {};
}

} // namespace ServeDeck
