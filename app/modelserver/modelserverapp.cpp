#include "modelserverapp.h"

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <utility>

#include <QElapsedTimer>
#include <QEventLoop>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>

using namespace Qt::StringLiterals;

namespace ServeDeck {

namespace {

// The server writes a response from the event loop after the handler returns, so the
// crash fault waits this long for the Nth answer to leave the process first.
constexpr int kCrashGraceMs = 100;
constexpr qsizetype kMiB = 1024 * 1024;

HttpResponse errorResponse(int status, const QString &type, const QString &message, const QJsonObject &details = {})
{
    const QJsonObject error{
        {u"type"_s, type},
        {u"message"_s, message},
        {u"details"_s, details},
    };
    return HttpResponse::json(status, QJsonDocument(QJsonObject{{u"error"_s, error}}));
}

HttpResponse invalidArgument(const QString &field, const QString &message)
{
    QJsonObject details;
    if (!field.isEmpty())
        details.insert(u"field"_s, field);
    return errorResponse(400, u"InvalidArgument"_s, field.isEmpty() ? message : field + u": "_s + message, details);
}

HttpResponse methodNotAllowed(const QByteArray &path, QByteArray allowed)
{
    HttpResponse response = errorResponse(405, u"InvalidArgument"_s,
                                          u"%1 accepts %2 only"_s.arg(QString::fromUtf8(path),
                                                                      QString::fromLatin1(allowed)));
    response.headers.emplaceBack(QByteArrayLiteral("Allow"), std::move(allowed));
    return response;
}

// One input row named `field`: exactly `count` finite numbers, else *error is a typed 400.
std::optional<std::vector<double>> parseRow(const QJsonValue &value, qsizetype count, const QString &field,
                                            HttpResponse *error)
{
    if (!value.isArray()) {
        *error = invalidArgument(field, u"expected an array of %1 numbers"_s.arg(count));
        return std::nullopt;
    }
    const QJsonArray array = value.toArray();
    if (array.size() != count) {
        *error = invalidArgument(field, u"expected %1 numbers, found %2"_s.arg(count).arg(array.size()));
        return std::nullopt;
    }
    std::vector<double> row;
    row.reserve(static_cast<std::size_t>(count));
    for (qsizetype i = 0; i < array.size(); ++i) {
        const QJsonValue item = array.at(i);
        if (!item.isDouble() || !std::isfinite(item.toDouble())) {
            *error = invalidArgument(u"%1[%2]"_s.arg(field).arg(i), u"expected a finite number"_s);
            return std::nullopt;
        }
        row.push_back(item.toDouble());
    }
    return row;
}

} // namespace

ModelServerApp::ModelServerApp(IrisClassifier classifier, QString version, FaultOptions faults, QObject *parent)
    : QObject(parent)
    , m_classifier(std::move(classifier))
    , m_version(std::move(version))
    , m_faults(faults)
    , m_server([this](const HttpRequest &request) { return handle(request); })
{
    m_failHealthTimer.setSingleShot(true);
    connect(&m_failHealthTimer, &QTimer::timeout, this, [this] {
        m_healthFailing = true;
        qWarning("fault: fail-health-after-ms %d: /health answers 503 from now on", *m_faults.failHealthAfterMs);
    });
}

ModelServerApp::~ModelServerApp() = default;

bool ModelServerApp::listen(const QHostAddress &address, quint16 port)
{
    if (!m_server.listen(address, port))
        return false;
    if (m_faults.failHealthAfterMs)
        m_failHealthTimer.start(*m_faults.failHealthAfterMs);
    return true;
}

HttpResponse ModelServerApp::handle(const HttpRequest &request)
{
    const bool isGet = request.method == "GET" || request.method == "HEAD";
    if (request.path == "/predict")
        return request.method == "POST" ? predict(request) : methodNotAllowed(request.path, "POST");
    if (request.path == "/health")
        return isGet ? health() : methodNotAllowed(request.path, "GET, HEAD");
    if (request.path == "/metrics") {
        if (!isGet)
            return methodNotAllowed(request.path, "GET, HEAD");
        return HttpResponse::text(200, m_metrics.render(m_version), "text/plain; version=0.0.4; charset=utf-8");
    }
    return errorResponse(404, u"NotFound"_s,
                         u"no such route: %1 (try POST /predict, GET /health, GET /metrics)"_s.arg(
                             QString::fromUtf8(request.path)));
}

HttpResponse ModelServerApp::health() const
{
    QJsonObject body{{u"status"_s, m_healthFailing ? u"unhealthy"_s : u"ok"_s}, {u"model_version"_s, m_version}};
    if (m_healthFailing)
        body.insert(u"reason"_s, u"fault injected: fail-health-after-ms"_s);
    return HttpResponse::json(m_healthFailing ? 503 : 200, QJsonDocument(body));
}

HttpResponse ModelServerApp::predict(const HttpRequest &request)
{
    QElapsedTimer timer;
    timer.start();
    m_metrics.requestStarted();
    // Everything needed from the request is read now: during the latency wait below
    // the connection may close, and the request with it.
    HttpResponse response = failThisPredict()
        ? errorResponse(500, u"InternalError"_s,
                        u"fault injected: fail-percent %1 (request #%2)"_s.arg(m_faults.failPercent).arg(m_predictsReceived))
        : answer(request.body);
    if (m_faults.latencyMs > 0)
        waitOutLatency();
    if (m_faults.growMemoryMb > 0)
        growMemory();
    m_metrics.requestFinished(response.status, double(timer.nsecsElapsed()) / 1e9);
    countTowardsCrash();
    return response;
}

HttpResponse ModelServerApp::answer(const QByteArray &body) const
{
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(body, &error);
    if (error.error != QJsonParseError::NoError)
        return invalidArgument({}, u"malformed JSON at offset %1: %2"_s.arg(error.offset).arg(error.errorString()));
    if (!document.isObject())
        return invalidArgument({}, u"the body must be a JSON object with \"features\" or \"instances\""_s);

    const QJsonObject object = document.object();
    for (auto it = object.begin(); it != object.end(); ++it) {
        if (it.key() != u"features" && it.key() != u"instances")
            return invalidArgument(it.key(), u"unknown field (expected \"features\" or \"instances\")"_s);
    }
    const bool single = object.contains(u"features"_s);
    if (single == object.contains(u"instances"_s))
        return invalidArgument({}, u"give exactly one of \"features\" (one input) or \"instances\" (a batch)"_s);

    const qsizetype count = m_classifier.featureCount();
    std::vector<std::vector<double>> rows;
    HttpResponse error400;
    if (single) {
        std::optional<std::vector<double>> row = parseRow(object.value(u"features"_s), count, u"features"_s, &error400);
        if (!row)
            return error400;
        rows.push_back(std::move(*row));
    } else {
        const QJsonValue instances = object.value(u"instances"_s);
        if (!instances.isArray() || instances.toArray().isEmpty())
            return invalidArgument(u"instances"_s, u"expected a non-empty array of inputs"_s);
        const QJsonArray array = instances.toArray();
        for (qsizetype i = 0; i < array.size(); ++i) {
            std::optional<std::vector<double>> row =
                parseRow(array.at(i), count, u"instances[%1]"_s.arg(i), &error400);
            if (!row)
                return error400;
            rows.push_back(std::move(*row));
        }
    }

    QJsonArray predictions;
    QString first;
    for (const std::vector<double> &row : rows) {
        const IrisClassifier::Prediction prediction = m_classifier.predict(row);
        QJsonObject probabilities;
        for (const auto &[label, probability] : prediction.probabilities)
            probabilities.insert(label, probability);
        predictions.append(QJsonObject{{u"class"_s, prediction.label}, {u"probabilities"_s, probabilities}});
        if (first.isEmpty())
            first = prediction.label;
    }
    QJsonObject result{{u"model_version"_s, m_version}, {u"predictions"_s, predictions}};
    if (single)
        result.insert(u"prediction"_s, first);
    return HttpResponse::json(200, QJsonDocument(result));
}

bool ModelServerApp::failThisPredict()
{
    ++m_predictsReceived;
    // Request n fails when n * P mod 100 < P: exactly P of every 100 consecutive requests, spread
    // as evenly as whole requests allow (10: every 10th), so a run of failures is as short as
    // the share permits and a test can count them. n mod 100 first: the product cannot overflow.
    const int percent = m_faults.failPercent;
    return percent > 0 && (m_predictsReceived % 100) * percent % 100 < percent;
}

void ModelServerApp::waitOutLatency()
{
    m_metrics.waitStarted();
    QEventLoop loop;
    // Precise: a coarse timer may fire up to 5% early, and the knob promises "at least".
    QTimer::singleShot(m_faults.latencyMs, Qt::PreciseTimer, &loop, &QEventLoop::quit);
    // Returns early only when the application quits (SIGTERM), which ends every loop.
    loop.exec();
    m_metrics.waitFinished();
}

void ModelServerApp::growMemory()
{
    const auto bytes = static_cast<std::size_t>(m_faults.growMemoryMb * kMiB);
    auto block = std::make_unique_for_overwrite<char[]>(bytes);
    // Written, not only allocated: untouched pages are not resident, and a memory
    // limit counts resident pages.
    std::memset(block.get(), 0x5a, bytes);
    m_grownMemory.push_back(std::move(block));
    qWarning("fault: grow-memory-mb %d: now holding %lld MiB", m_faults.growMemoryMb,
             static_cast<long long>(m_grownMemory.size()) * m_faults.growMemoryMb);
}

void ModelServerApp::countTowardsCrash()
{
    ++m_predictsAnswered;
    if (m_faults.crashAfter <= 0 || m_predictsAnswered != m_faults.crashAfter)
        return;
    qWarning("fault: crash-after %d: answered /predict #%lld, aborting", m_faults.crashAfter,
             static_cast<long long>(m_predictsAnswered));
    QTimer::singleShot(kCrashGraceMs, this, [] { std::abort(); });
}

} // namespace ServeDeck
