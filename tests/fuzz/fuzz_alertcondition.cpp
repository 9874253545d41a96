// AlertCondition::parse on the condition an operator types ("p95_ms > 200 for 60s"), and the
// promise that text() of what it read parses back to the same rule: the console and ctl show
// text() and an operator may paste it back.
#include <cstddef>
#include <cstdint>

#include <QString>

#include "notify/alertcondition.h"

using ServeDeck::AlertCondition;

namespace {
volatile size_t sink;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QString text = QString::fromUtf8(reinterpret_cast<const char *>(data), qsizetype(size));
    auto parsed = AlertCondition::parse(text);
    if (!parsed) {
        sink = size_t(parsed.error().message.size());
        return 0;
    }
    const auto &rule = parsed.value();
    if (rule.metric.isEmpty() || (rule.comparator != u">" && rule.comparator != u"<") || rule.threshold < 0
        || rule.forSeconds < 0)
        __builtin_trap();
    auto again = AlertCondition::parse(AlertCondition::text(rule));
    if (!again || again.value().metric != rule.metric || again.value().comparator != rule.comparator
        || again.value().threshold != rule.threshold || again.value().forSeconds != rule.forSeconds)
        __builtin_trap();  // text() promises what parse() reads back the same
    sink = size_t(rule.forSeconds);
    return 0;
}
