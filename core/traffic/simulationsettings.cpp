#include "simulationsettings.h"

#include <cmath>

#include <QHostAddress>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>

#include "inputgenerator.h"

namespace ServeDeck {

namespace {

ServiceError invalid(const QString &field, const QString &problem)
{
    return makeError(ErrorType::InvalidArgument, field + QStringLiteral(": ") + problem,
                     {{QStringLiteral("field"), field}});
}

bool isLoopback(const QString &host)
{
    if (host.compare(QLatin1String("localhost"), Qt::CaseInsensitive) == 0)
        return true;
    const QHostAddress address(host);
    return !address.isNull() && address.isLoopback();
}

int portOf(const QUrl &url)
{
    return url.port(url.scheme() == QLatin1String("https") ? 443 : 80);
}

// A whole number in [min, max]; nullopt for anything else.
std::optional<qint64> wholeNumber(const QJsonValue &v, qint64 min, qint64 max)
{
    if (!v.isDouble())
        return std::nullopt;
    const double d = v.toDouble();
    if (d != std::floor(d) || d < double(min) || d > double(max))
        return std::nullopt;
    return qint64(d);
}

} // namespace

Result<Done> SimulationSettings::validate() const
{
    // Plain HTTP/1.1 over TCP is what the sender speaks; and only to this machine or the endpoint.
    if (!url.isValid() || url.scheme() != QLatin1String("http") || url.host().isEmpty() || !url.userInfo().isEmpty()
        || !url.fragment().isEmpty())
        return invalid(QStringLiteral("url"), QStringLiteral("expected http://host:port/path"));
    const bool ownOrigin = endpointUrl.isValid() && !endpointUrl.host().isEmpty()
                           && endpointUrl.host().compare(url.host(), Qt::CaseInsensitive) == 0
                           && portOf(endpointUrl) == portOf(url) && endpointUrl.scheme() == url.scheme();
    if (!isLoopback(url.host()) && !ownOrigin)
        return invalid(QStringLiteral("url"), QStringLiteral("expected a loopback address or the endpoint's own URL"));
    const QByteArray path = url.path(QUrl::FullyEncoded).toLatin1();
    if (!path.startsWith('/') || path.size() > 2048)
        return invalid(QStringLiteral("url"),
                       QStringLiteral("expected a path starting with '/' of at most 2048 bytes"));
    if (headers.size() > kMaxHeaders)
        return invalid(QStringLiteral("headers"), QStringLiteral("at most %1 headers").arg(kMaxHeaders));
    static const QRegularExpression token(QStringLiteral("^[!#$%&'*+.^_`|~0-9A-Za-z-]+$"));
    qsizetype headerBytes = 0;
    for (const auto &[name, value] : headers) {
        headerBytes += name.size() + value.size();
        if (!token.match(QString::fromLatin1(name)).hasMatch() || value.contains('\r') || value.contains('\n')
            || value.contains('\0'))
            return invalid(QStringLiteral("headers"), QStringLiteral("expected NAME: VALUE without line breaks"));
        const QByteArray lower = name.toLower();
        if (lower == "host" || lower == "content-length" || lower == "transfer-encoding" || lower == "connection")
            return invalid(QStringLiteral("headers"),
                           QString::fromLatin1(name) + QStringLiteral(" is the simulator's"));
    }
    if (headerBytes > kMaxHeaderBytes)
        return invalid(QStringLiteral("headers"), QStringLiteral("at most %1 bytes in all").arg(kMaxHeaderBytes));
    const Result<TrafficPattern> checked =
        TrafficPattern::make(pattern.kind, pattern.minRate, pattern.maxRate, pattern.periodMs, pattern.seed);
    if (!checked)
        return checked.error();
    if (intervalMs < kMinIntervalMs || intervalMs > kMaxIntervalMs)
        return invalid(QStringLiteral("interval_ms"),
                       QStringLiteral("expected %1 to %2 milliseconds").arg(kMinIntervalMs).arg(kMaxIntervalMs));
    if (batchMin < 1 || batchMax < batchMin || batchMax > InputGenerator::kMaxBatch)
        return invalid(QStringLiteral("batch"),
                       QStringLiteral("expected 1 <= min <= max <= %1 inputs per request")
                           .arg(InputGenerator::kMaxBatch));
    if (durationMs < 0 || durationMs > kMaxDurationMs)
        return invalid(QStringLiteral("duration_ms"),
                       QStringLiteral("expected 0 (until stopped) to %1 milliseconds").arg(kMaxDurationMs));
    if (maxInFlight < 1 || maxInFlight > kMaxInFlight)
        return invalid(QStringLiteral("max_in_flight"), QStringLiteral("expected 1 to %1").arg(kMaxInFlight));
    if (timeoutMs < 1 || timeoutMs > 600000)
        return invalid(QStringLiteral("timeout_ms"), QStringLiteral("expected 1 to 600000 milliseconds"));
    if (request.example.size() > 64 * 1024)
        return invalid(QStringLiteral("request"), QStringLiteral("an example of at most 65536 bytes"));
    // Generated inputs when the model says their shape; else its example as it is, every time.
    if (!request.inputShape.isEmpty()) {
        const Result<InputGenerator> generator = InputGenerator::create(request, batchMax, seed);
        if (!generator)
            return generator.error();
    } else if (request.example.isEmpty()) {
        return invalid(QStringLiteral("request"),
                       QStringLiteral("no input shape and no example to send (the model definition's request block)"));
    } else if (batchMax > 1) {
        return invalid(QStringLiteral("batch"),
                       QStringLiteral("a batch needs the model's input shape and batch field"));
    }
    return Done{};
}

Result<SimulationSettings> SimulationSettings::fromJson(const QJsonObject &json)
{
    static const QStringList known{
        QStringLiteral("endpoint"),    QStringLiteral("url"),          QStringLiteral("endpoint_url"),
        QStringLiteral("headers"),     QStringLiteral("pattern"),      QStringLiteral("interval_ms"),
        QStringLiteral("random_interval"), QStringLiteral("batch_min"), QStringLiteral("batch_max"),
        QStringLiteral("request"),     QStringLiteral("duration_ms"),  QStringLiteral("seed"),
        QStringLiteral("max_in_flight"), QStringLiteral("timeout_ms")};
    for (auto it = json.begin(); it != json.end(); ++it) {
        if (!known.contains(it.key()))
            return invalid(it.key(), QStringLiteral("unknown field"));
    }
    SimulationSettings s;
    const auto string = [&json](const QString &key, QString *into) {
        const QJsonValue v = json.value(key);
        if (v.isUndefined())
            return true;
        *into = v.toString();
        return v.isString();
    };
    QString url;
    QString endpointUrl;
    if (!string(QStringLiteral("endpoint"), &s.endpoint))
        return invalid(QStringLiteral("endpoint"), QStringLiteral("expected a string"));
    if (!string(QStringLiteral("url"), &url) || url.isEmpty())
        return invalid(QStringLiteral("url"), QStringLiteral("required: a string"));
    if (!string(QStringLiteral("endpoint_url"), &endpointUrl))
        return invalid(QStringLiteral("endpoint_url"), QStringLiteral("expected a string"));
    s.url = QUrl(url, QUrl::StrictMode);
    s.endpointUrl = QUrl(endpointUrl, QUrl::StrictMode);

    const QJsonValue headers = json.value(QStringLiteral("headers"));
    if (!headers.isUndefined() && !headers.isObject())
        return invalid(QStringLiteral("headers"), QStringLiteral("expected an object of NAME: VALUE"));
    const QJsonObject headerObject = headers.toObject();
    if (headerObject.size() > kMaxHeaders)
        return invalid(QStringLiteral("headers"), QStringLiteral("at most %1 headers").arg(kMaxHeaders));
    for (auto it = headerObject.begin(); it != headerObject.end(); ++it) {
        if (!it.value().isString())
            return invalid(QStringLiteral("headers"), QStringLiteral("expected string values"));
        s.headers.append({it.key().toLatin1(), it.value().toString().toUtf8()});
    }

    const QJsonValue pattern = json.value(QStringLiteral("pattern"));
    if (!pattern.isObject())
        return invalid(QStringLiteral("pattern"), QStringLiteral("required: an object"));
    const Result<TrafficPattern> parsed = TrafficPattern::fromJson(pattern.toObject());
    if (!parsed)
        return parsed.error();
    s.pattern = *parsed;

    const std::pair<const char *, qint64 *> times[] = {{"interval_ms", &s.intervalMs}, {"duration_ms", &s.durationMs}};
    for (const auto &[key, into] : times) {
        const QJsonValue v = json.value(QLatin1String(key));
        if (v.isUndefined())
            continue;
        const std::optional<qint64> n = wholeNumber(v, 0, kMaxDurationMs);
        if (!n)
            return invalid(QLatin1String(key), QStringLiteral("expected a whole number of milliseconds"));
        *into = *n;
    }
    const std::pair<const char *, int *> counts[] = {{"batch_min", &s.batchMin}, {"batch_max", &s.batchMax},
                                                     {"max_in_flight", &s.maxInFlight}, {"timeout_ms", &s.timeoutMs}};
    for (const auto &[key, into] : counts) {
        const QJsonValue v = json.value(QLatin1String(key));
        if (v.isUndefined())
            continue;
        const std::optional<qint64> n = wholeNumber(v, 0, 1000000);
        if (!n)
            return invalid(QLatin1String(key), QStringLiteral("expected a whole number"));
        *into = int(*n);
    }
    if (json.contains(QStringLiteral("batch_min")) && !json.contains(QStringLiteral("batch_max")))
        s.batchMax = s.batchMin;
    const QJsonValue random = json.value(QStringLiteral("random_interval"));
    if (!random.isUndefined() && !random.isBool())
        return invalid(QStringLiteral("random_interval"), QStringLiteral("expected true or false"));
    s.randomizeInterval = random.toBool();
    const QJsonValue seed = json.value(QStringLiteral("seed"));
    if (!seed.isUndefined()) {
        const std::optional<qint64> n = wholeNumber(seed, 0, qint64(1) << 53);
        if (!n)
            return invalid(QStringLiteral("seed"), QStringLiteral("expected a whole number from 0 to 2^53"));
        s.seed = quint64(*n);
    }

    const QJsonValue request = json.value(QStringLiteral("request"));
    if (!request.isUndefined() && !request.isObject())
        return invalid(QStringLiteral("request"), QStringLiteral("expected an object"));
    const QJsonObject r = request.toObject();
    if (r.value(QStringLiteral("example")).isString()) {
        s.request.example = r.value(QStringLiteral("example")).toString().toUtf8();
        if (s.request.example.size() > 64 * 1024)
            return invalid(QStringLiteral("request.example"), QStringLiteral("at most 65536 bytes"));
    }
    s.request.path = s.url.path();
    s.request.inputField = r.value(QStringLiteral("input_field")).toString();
    s.request.batchField = r.value(QStringLiteral("batch_field")).toString();
    const QJsonArray shape = r.value(QStringLiteral("input_shape")).toArray();
    if (shape.size() > 8)
        return invalid(QStringLiteral("request.input_shape"), QStringLiteral("at most 8 dimensions"));
    for (const QJsonValue &dim : shape) {
        const std::optional<qint64> n = wholeNumber(dim, 1, 65536);
        if (!n)
            return invalid(QStringLiteral("request.input_shape"), QStringLiteral("expected positive whole numbers"));
        s.request.inputShape << int(*n);
    }
    const QJsonValue range = r.value(QStringLiteral("input_range"));
    if (!range.isUndefined()) {
        const QJsonArray bounds = range.toArray();
        if (bounds.size() != 2 || !bounds.at(0).isDouble() || !bounds.at(1).isDouble())
            return invalid(QStringLiteral("request.input_range"), QStringLiteral("expected [min, max]"));
        s.request.min = bounds.at(0).toDouble();
        s.request.max = bounds.at(1).toDouble();
    }
    const Result<Done> valid = s.validate();
    if (!valid)
        return valid.error();
    return s;
}

QJsonObject SimulationSettings::toJson() const
{
    // A credential is not a setting: it stays out of anything that may be shown or stored.
    QJsonObject headerObject;
    for (const auto &[name, value] : headers)
        if (name.compare("authorization", Qt::CaseInsensitive) != 0)
            headerObject.insert(QString::fromLatin1(name), QString::fromUtf8(value));
    QJsonObject r;
    if (!request.example.isEmpty())
        r.insert(QStringLiteral("example"), QString::fromUtf8(request.example));
    if (!request.inputShape.isEmpty()) {
        QJsonArray shape;
        for (int dim : request.inputShape)
            shape.append(dim);
        r.insert(QStringLiteral("input_field"), request.inputField);
        r.insert(QStringLiteral("input_shape"), shape);
        r.insert(QStringLiteral("input_range"), QJsonArray{request.min, request.max});
        if (!request.batchField.isEmpty())
            r.insert(QStringLiteral("batch_field"), request.batchField);
    }
    return {{QStringLiteral("endpoint"), endpoint},
            {QStringLiteral("url"), url.toString()},
            {QStringLiteral("endpoint_url"), endpointUrl.toString()},
            {QStringLiteral("headers"), headerObject},
            {QStringLiteral("pattern"), pattern.toJson()},
            {QStringLiteral("interval_ms"), intervalMs},
            {QStringLiteral("random_interval"), randomizeInterval},
            {QStringLiteral("batch_min"), batchMin},
            {QStringLiteral("batch_max"), batchMax},
            {QStringLiteral("request"), r},
            {QStringLiteral("duration_ms"), durationMs},
            {QStringLiteral("seed"), double(seed)},
            {QStringLiteral("max_in_flight"), maxInFlight},
            {QStringLiteral("timeout_ms"), timeoutMs}};
}

} // namespace ServeDeck
