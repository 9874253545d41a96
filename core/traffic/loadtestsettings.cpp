#include "traffic/loadtestsettings.h"

#include <cmath>

#include <QHostAddress>
#include <QJsonArray>

namespace ServeDeck {

namespace {

constexpr qsizetype kMaxNameLength = 128;
constexpr qsizetype kMaxUrlLength = 2048;
constexpr qsizetype kMaxHeaderValueLength = 8192;

ServiceError invalid(const QString &field, const QString &message)
{
    return makeError(ErrorType::InvalidArgument, field + QStringLiteral(": ") + message,
                     {{QStringLiteral("field"), field}});
}

bool isTokenChar(QChar c)
{
    const char16_t u = c.unicode();
    if ((u >= u'a' && u <= u'z') || (u >= u'A' && u <= u'Z') || (u >= u'0' && u <= u'9'))
        return true;
    return QStringView(u"!#$%&'*+-.^_`|~").contains(c);
}

bool isToken(const QString &text)
{
    return !text.isEmpty() && std::all_of(text.begin(), text.end(), isTokenChar);
}

bool isLoopback(const QString &host)
{
    if (host.compare(QStringLiteral("localhost"), Qt::CaseInsensitive) == 0)
        return true;
    const QHostAddress address(host);
    return !address.isNull() && address.isLoopback();
}

bool sameOrigin(const QUrl &a, const QUrl &b)
{
    return a.scheme() == b.scheme() && a.host().compare(b.host(), Qt::CaseInsensitive) == 0
        && a.port(80) == b.port(80);
}

struct ModeName
{
    LoadTestSettings::Mode mode;
    const char16_t *name;
};
constexpr ModeName kModes[] = {{LoadTestSettings::Mode::Rate, u"rate"},
                               {LoadTestSettings::Mode::Ramp, u"ramp"},
                               {LoadTestSettings::Mode::Poisson, u"poisson"},
                               {LoadTestSettings::Mode::Closed, u"closed"}};

// A number field: absent gives the default; present must be a number in [min, max].
std::optional<ServiceError> readNumber(const QJsonObject &json, const QString &field, double min, double max, double *out)
{
    if (!json.contains(field))
        return std::nullopt;
    const QJsonValue value = json.value(field);
    if (!value.isDouble() || !std::isfinite(value.toDouble()))
        return invalid(field, QStringLiteral("must be a number"));
    const double number = value.toDouble();
    if (number < min || number > max)
        return invalid(field, QStringLiteral("must be between %1 and %2").arg(min).arg(max));
    *out = number;
    return std::nullopt;
}

} // namespace

QString LoadTestSettings::modeName(Mode mode)
{
    for (const ModeName &entry : kModes) {
        if (entry.mode == mode)
            return QString::fromUtf16(entry.name);
    }
    return {};
}

Result<LoadTestSettings> LoadTestSettings::fromJson(const QJsonObject &json, const QUrl &endpointUrl)
{
    static const QStringList known{
        QStringLiteral("endpoint"), QStringLiteral("url"),         QStringLiteral("method"),
        QStringLiteral("headers"),  QStringLiteral("body"),        QStringLiteral("mode"),
        QStringLiteral("rate"),     QStringLiteral("ramp_from"),   QStringLiteral("ramp_to"),
        QStringLiteral("concurrency"), QStringLiteral("total_requests"), QStringLiteral("duration_ms"),
        QStringLiteral("timeout_ms"), QStringLiteral("max_connections"), QStringLiteral("targets"),
        QStringLiteral("streaming"), QStringLiteral("seed")};
    for (auto it = json.begin(); it != json.end(); ++it) {
        if (!known.contains(it.key()))
            return invalid(it.key().left(kMaxNameLength), QStringLiteral("unknown field"));
    }
    LoadTestSettings s;

    s.endpoint = json.value(QStringLiteral("endpoint")).toString();
    if (s.endpoint.size() > kMaxNameLength)
        return invalid(QStringLiteral("endpoint"), QStringLiteral("too long"));

    const QString urlText = json.value(QStringLiteral("url")).toString();
    if (urlText.isEmpty() || urlText.size() > kMaxUrlLength)
        return invalid(QStringLiteral("url"), QStringLiteral("an http:// URL is required"));
    s.url = QUrl(urlText, QUrl::StrictMode);
    if (!s.url.isValid() || s.url.scheme() != u"http" || s.url.host().isEmpty() || !s.url.userInfo().isEmpty()
        || s.url.hasFragment())
        return invalid(QStringLiteral("url"), QStringLiteral("an http:// URL without user or fragment is required"));
    if (!isLoopback(s.url.host()) && !(endpointUrl.isValid() && sameOrigin(s.url, endpointUrl)))
        return invalid(QStringLiteral("url"), QStringLiteral("only loopback or the endpoint's own URL may be load-tested"));

    if (json.contains(QStringLiteral("method"))) {
        const QString method = json.value(QStringLiteral("method")).toString();
        if (!isToken(method) || method.size() > 16)
            return invalid(QStringLiteral("method"), QStringLiteral("not an HTTP method"));
        s.method = method.toLatin1();
    }

    const QJsonValue headers = json.value(QStringLiteral("headers"));
    if (!headers.isUndefined() && !headers.isArray())
        return invalid(QStringLiteral("headers"), QStringLiteral("must be a list of {name, value}"));
    const QJsonArray headerList = headers.toArray();
    if (headerList.size() > kMaxHeaders)
        return invalid(QStringLiteral("headers"), QStringLiteral("at most %1").arg(kMaxHeaders));
    for (const QJsonValue &header : headerList) {
        const QString name = header.toObject().value(QStringLiteral("name")).toString();
        const QString value = header.toObject().value(QStringLiteral("value")).toString();
        if (!isToken(name) || name.size() > kMaxNameLength)
            return invalid(QStringLiteral("headers"), QStringLiteral("a header name is not a token"));
        if (value.size() > kMaxHeaderValueLength
            || std::any_of(value.begin(), value.end(), [](QChar c) { return c == u'\r' || c == u'\n' || c == u'\0'; }))
            return invalid(QStringLiteral("headers"), QStringLiteral("a header value holds a line break or is too long"));
        s.headers.append({name.toLatin1(), value.toUtf8()});
    }

    const QJsonValue body = json.value(QStringLiteral("body"));
    if (!body.isUndefined() && !body.isString())
        return invalid(QStringLiteral("body"), QStringLiteral("must be a string"));
    s.body = body.toString().toUtf8();
    if (s.body.size() > kMaxBodyBytes)
        return invalid(QStringLiteral("body"), QStringLiteral("at most %1 bytes").arg(kMaxBodyBytes));

    if (json.contains(QStringLiteral("mode"))) {
        const QString mode = json.value(QStringLiteral("mode")).toString();
        bool found = false;
        for (const ModeName &entry : kModes) {
            if (mode == QString::fromUtf16(entry.name)) {
                s.mode = entry.mode;
                found = true;
            }
        }
        if (!found)
            return invalid(QStringLiteral("mode"), QStringLiteral("one of rate, ramp, poisson, closed"));
    }

    double number = 0;
    // Rates: above 0 (a rate of 0 sends nothing) and at most the cap.
    const auto rate = [&](const QString &field, double *out, bool required) -> std::optional<ServiceError> {
        if (required && !json.contains(field))
            return invalid(field, QStringLiteral("required for mode %1").arg(modeName(s.mode)));
        if (auto error = readNumber(json, field, 0, kMaxRate, out))
            return error;
        if (json.contains(field) && *out <= 0)
            return invalid(field, QStringLiteral("must be above 0"));
        return std::nullopt;
    };
    const bool openLoop = s.mode != Mode::Closed;
    if (auto error = rate(QStringLiteral("rate"), &s.rate, s.mode == Mode::Rate || s.mode == Mode::Poisson))
        return *error;
    if (auto error = rate(QStringLiteral("ramp_from"), &s.rampFrom, s.mode == Mode::Ramp))
        return *error;
    if (auto error = rate(QStringLiteral("ramp_to"), &s.rampTo, s.mode == Mode::Ramp))
        return *error;
    number = s.concurrency;
    if (auto error = readNumber(json, QStringLiteral("concurrency"), 1, kMaxConcurrency, &number))
        return *error;
    s.concurrency = int(number);
    number = double(s.totalRequests);
    if (auto error = readNumber(json, QStringLiteral("total_requests"), 0, double(kMaxTotalRequests), &number))
        return *error;
    s.totalRequests = qint64(number);
    if (openLoop && s.totalRequests != 0)
        return invalid(QStringLiteral("total_requests"), QStringLiteral("only for the closed loop"));
    if (json.contains(QStringLiteral("duration_ms"))) {
        const QJsonValue duration = json.value(QStringLiteral("duration_ms"));
        if (!duration.isDouble() || duration.toDouble() <= 0 || duration.toDouble() > double(kMaxDurationMs))
            return invalid(QStringLiteral("duration_ms"),
                           QStringLiteral("must be above 0 and at most %1").arg(kMaxDurationMs));
        s.durationMs = qint64(duration.toDouble());
        if (s.durationMs <= 0)
            return invalid(QStringLiteral("duration_ms"), QStringLiteral("must be at least 1 ms"));
    } else if (openLoop || s.totalRequests == 0) {
        return invalid(QStringLiteral("duration_ms"), QStringLiteral("required"));
    } else {
        s.durationMs = kMaxDurationMs;  // by count; the cap still stops it
    }
    number = s.timeoutMs;
    if (auto error = readNumber(json, QStringLiteral("timeout_ms"), 1, kMaxTimeoutMs, &number))
        return *error;
    s.timeoutMs = int(number);
    number = s.maxConnections;
    if (auto error = readNumber(json, QStringLiteral("max_connections"), 1, kMaxConnections, &number))
        return *error;
    s.maxConnections = int(number);
    number = double(s.seed);
    if (auto error = readNumber(json, QStringLiteral("seed"), 0, 9007199254740991.0, &number))
        return *error;
    s.seed = quint64(number);

    const QJsonValue targets = json.value(QStringLiteral("targets"));
    if (!targets.isUndefined()) {
        if (!targets.isArray() || targets.toArray().size() > 16)
            return invalid(QStringLiteral("targets"), QStringLiteral("a list of at most 16 targets"));
        s.targets.clear();
        for (const QJsonValue &target : targets.toArray()) {
            Result<LoadTestTarget> parsed = LoadTestTarget::parse(target.toString());
            if (!parsed)
                return parsed.error();
            s.targets.append(*parsed);
        }
    }
    const QJsonValue streaming = json.value(QStringLiteral("streaming"));
    if (!streaming.isUndefined() && !streaming.isBool())
        return invalid(QStringLiteral("streaming"), QStringLiteral("must be true or false"));
    s.streaming = streaming.toBool();
    return s;
}

QJsonObject LoadTestSettings::toJson() const
{
    QJsonArray headerList;
    for (const auto &[name, value] : headers)
        headerList.append(QJsonObject{{QStringLiteral("name"), QString::fromLatin1(name)},
                                      {QStringLiteral("value"), QString::fromUtf8(value)}});
    QJsonArray targetList;
    for (const LoadTestTarget &target : targets)
        targetList.append(target.text());
    QJsonObject json{{QStringLiteral("endpoint"), endpoint},
                     {QStringLiteral("url"), url.toString()},
                     {QStringLiteral("method"), QString::fromLatin1(method)},
                     {QStringLiteral("headers"), headerList},
                     {QStringLiteral("body"), QString::fromUtf8(body)},
                     {QStringLiteral("mode"), modeName(mode)},
                     {QStringLiteral("duration_ms"), durationMs},
                     {QStringLiteral("timeout_ms"), timeoutMs},
                     {QStringLiteral("max_connections"), maxConnections},
                     {QStringLiteral("targets"), targetList},
                     {QStringLiteral("streaming"), streaming}};
    switch (mode) {
    case Mode::Rate:
        json.insert(QStringLiteral("rate"), rate);
        break;
    case Mode::Poisson:
        json.insert(QStringLiteral("rate"), rate);
        json.insert(QStringLiteral("seed"), qint64(seed));
        break;
    case Mode::Ramp:
        json.insert(QStringLiteral("ramp_from"), rampFrom);
        json.insert(QStringLiteral("ramp_to"), rampTo);
        break;
    case Mode::Closed:
        json.insert(QStringLiteral("concurrency"), concurrency);
        json.insert(QStringLiteral("total_requests"), totalRequests);
        break;
    }
    return json;
}

} // namespace ServeDeck
