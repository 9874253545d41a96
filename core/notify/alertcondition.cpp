#include "alertcondition.h"

#include <QLocale>
#include <QRegularExpression>

namespace ServeDeck {

Result<AlertRule> AlertCondition::parse(const QString &text)
{
    // Bounded and anchored: a metric name, '>' or '<', a plain decimal, an optional "for Ns".
    static const QRegularExpression grammar(
        QStringLiteral("^\\s*([a-z][a-z0-9_]{0,39})\\s*([<>])\\s*([0-9]{1,12}(?:\\.[0-9]{1,6})?)"
                       "(?:\\s+for\\s+([0-9]{1,6})s)?\\s*$"));
    const auto match = text.size() <= 200 ? grammar.match(text) : QRegularExpressionMatch();
    if (!match.hasMatch())
        return makeError(ErrorType::InvalidArgument,
                         QStringLiteral("an alert condition reads \"<metric> > <number> for <seconds>s\", e.g."
                                        " \"p95_ms > 200 for 60s\" (or '<'; \"for\" optional)"),
                         {{QStringLiteral("field"), QStringLiteral("condition")}});
    AlertRule rule;
    rule.metric = match.captured(1);
    rule.comparator = match.captured(2);
    rule.threshold = match.captured(3).toDouble();
    rule.forSeconds = match.hasCaptured(4) ? match.captured(4).toInt() : 0;
    return rule;
}

QString AlertCondition::text(const AlertRule &rule)
{
    // Shortest fixed-point digits that read back as the same number (arg(double) keeps only six).
    return QStringLiteral("%1 %2 %3 for %4s")
        .arg(rule.metric, rule.comparator, QString::number(rule.threshold, 'f', QLocale::FloatingPointShortest))
        .arg(rule.forSeconds);
}

} // namespace ServeDeck
