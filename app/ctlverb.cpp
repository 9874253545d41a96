#include "ctlverb.h"

#include <cmath>

#include <QRegularExpression>
#include <QTextStream>
#include <QUrl>

#include "api/apiclient.h"

namespace CtlVerb {

QString servicePath(const QString &svc)
{
    return QStringLiteral("/v1/services/") + QString::fromUtf8(QUrl::toPercentEncoding(svc));
}

int apiFailure(const ServeDeck::ApiResponse &r, const QString &verb, QTextStream &err)
{
    if (r.status == 0) {
        err << "servedeck ctl " << verb << ": no answer from the API: " << r.transportError << '\n';
        return kNoAnswer;
    }
    if (const auto e = r.error())
        err << "error: " << e->typeName() << ": " << e->message << '\n';
    return kFailed;
}

std::optional<double> durationMs(const QString &text)
{
    static const QRegularExpression form(QStringLiteral("^([0-9]+(?:\\.[0-9]+)?)(ms|s|m|h)?$"));
    const QRegularExpressionMatch m = form.match(text.trimmed());
    if (!m.hasMatch())
        return std::nullopt;
    const QString unit = m.captured(2);
    const double scale = unit == u"ms" ? 1 : unit == u"m" ? 60000 : unit == u"h" ? 3600000 : 1000;
    const double ms = m.captured(1).toDouble() * scale;
    // Far past any run's cap (about three centuries): refused here rather than overflowing later.
    if (!std::isfinite(ms) || ms > 1e13)
        return std::nullopt;
    return ms;
}

} // namespace CtlVerb
