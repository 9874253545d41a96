// End-to-end: the real servedeck-model-server binary on a loopback port, trained from the
// demo model folders' iris.csv, and every fault knob that the agent's supervision relies on;
// then its OpenAI-compatible mode (--openai): completions and chats, streamed and not, at the
// pace its options set, OpenAI's error shape, and vLLM's metrics under concurrent requests.
// Every wait is bounded; the only sleeps are the ones a knob itself asks for.
#include <csignal>

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkProxy>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QProcess>
#include <QProcessEnvironment>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;

namespace {

// Process start plus training on 150 rows takes milliseconds; the margin is for a loaded CI runner.
constexpr int kStartMs = 15000;
constexpr int kHttpMs = 10000;
constexpr int kExitMs = 10000;
constexpr qint64 kMiB = 1024 * 1024;

QString binary()
{
    const QString dir = qEnvironmentVariable("SERVEDECK_BIN_DIR");
    return dir.isEmpty() ? QString() : QDir(dir).filePath(u"servedeck-model-server"_s);
}

QString irisCsv(const QString &folder)
{
    return QDir(qEnvironmentVariable("SERVEDECK_SOURCE_DIR")).filePath(u"resources/models/"_s + folder + u"/iris.csv"_s);
}

QStringList v1Arguments()
{
    return {u"--model"_s, irisCsv(u"iris-v1"_s), u"--version"_s, u"v1"_s, u"--port"_s, u"0"_s};
}

QStringList v2Arguments()
{
    return {u"--model"_s, irisCsv(u"iris-v2"_s), u"--version"_s, u"v2"_s, u"--port"_s, u"0"_s};
}

using Environment = QHash<QString, QString>;

// The children must not pick up a port or a fault from the environment the tests run in.
QProcessEnvironment cleanEnvironment(const Environment &extra)
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    for (const QString &name : env.keys()) {
        if (name == u"PORT" || name.startsWith(u"SERVEDECK_FAULT_") || name.startsWith(u"SERVEDECK_OPENAI_"))
            env.remove(name);
    }
    for (auto it = extra.cbegin(); it != extra.cend(); ++it)
        env.insert(it.key(), it.value());
    return env;
}

// One servedeck-model-server child.
class ModelServer
{
public:
    ~ModelServer()
    {
        if (m_process.state() != QProcess::NotRunning) {
            m_process.kill();
            m_process.waitForFinished(kExitMs);
        }
    }

    // Starts it and waits for the listening= line; false (with why) if it does not come.
    bool start(const QStringList &arguments, const Environment &environment, QString *why)
    {
        launch(arguments, environment);
        if (!m_process.waitForStarted(kStartMs)) {
            *why = u"did not start: "_s + m_process.errorString();
            return false;
        }
        [[maybe_unused]] const bool printed = QTest::qWaitFor([this] {
            return m_process.canReadLine() || m_process.state() == QProcess::NotRunning;
        }, kStartMs);
        const QString line = QString::fromUtf8(m_process.readLine()).trimmed();
        if (!line.startsWith(u"listening=127.0.0.1:"_s)) {
            *why = u"no listening= line in %1 ms (got '%2'); %3"_s.arg(kStartMs).arg(line, describe());
            return false;
        }
        m_port = line.section(u':', -1).toInt();
        if (m_port <= 0) {
            *why = u"port 0 must be replaced by the real one: "_s + line;
            return false;
        }
        return true;
    }

    // Runs a start that is expected to end by itself; false if it does not within kExitMs.
    bool runToExit(const QStringList &arguments, const Environment &environment)
    {
        launch(arguments, environment);
        return m_process.waitForFinished(kExitMs);
    }

    void launch(const QStringList &arguments, const Environment &environment)
    {
        m_process.setProgram(binary());
        m_process.setArguments(arguments);
        m_process.setProcessEnvironment(cleanEnvironment(environment));
        m_process.setReadChannel(QProcess::StandardOutput);
        m_process.start();
    }

    bool waitForExit() { return m_process.state() == QProcess::NotRunning || m_process.waitForFinished(kExitMs); }

    int port() const { return m_port; }
    QProcess &process() { return m_process; }
    QString standardError()
    {
        m_stderr += QString::fromUtf8(m_process.readAllStandardError());
        return m_stderr;
    }
    QString describe()
    {
        return u"exit status %1, code %2; stderr:\n"_s.arg(m_process.exitStatus()).arg(m_process.exitCode())
            + standardError();
    }

    // Resident memory from /proc/<pid>/status, in bytes; -1 if unreadable.
    qint64 residentBytes() const
    {
        QFile status(u"/proc/%1/status"_s.arg(m_process.processId()));
        if (!status.open(QIODevice::ReadOnly))
            return -1;
        const QList<QByteArray> lines = status.readAll().split('\n');
        for (const QByteArray &line : lines) {
            if (line.startsWith("VmRSS:"))
                return line.mid(6).trimmed().split(' ').constFirst().toLongLong() * 1024;  // in kB
        }
        return -1;
    }

private:
    QProcess m_process;
    QString m_stderr;
    int m_port = 0;
};

struct HttpResult
{
    bool finished = false;
    int status = 0;
    QByteArray body;
    qint64 elapsedMs = 0;

    QJsonObject json() const { return QJsonDocument::fromJson(body).object(); }
    QByteArray describe() const
    {
        return "HTTP " + QByteArray::number(status) + (finished ? "" : " (no answer)") + ": " + body;
    }
};

// "name{labels}" -> value for every sample line of a Prometheus text exposition.
QHash<QString, double> parseMetrics(const QByteArray &text)
{
    QHash<QString, double> samples;
    for (const QByteArray &line : text.split('\n')) {
        if (line.isEmpty() || line.startsWith('#'))
            continue;
        const qsizetype space = line.lastIndexOf(' ');
        samples.insert(QString::fromUtf8(line.left(space)), line.mid(space + 1).toDouble());
    }
    return samples;
}

QJsonArray numbers(std::initializer_list<double> values)
{
    QJsonArray array;
    for (double value : values)
        array.append(value);
    return array;
}

QByteArray featuresBody(const QJsonArray &features)
{
    return QJsonDocument(QJsonObject{{u"features"_s, features}}).toJson(QJsonDocument::Compact);
}

const QByteArray kSetosaBody = R"({"features":[5.1,3.5,1.4,0.2]})";

} // namespace

class TestModelServer final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();

    void healthIsOk_data();
    void healthIsOk();
    void predictsClasses_data();
    void predictsClasses();
    void versionsGiveDifferentProbabilities();
    void batchOfInstances();
    void badInputIsInvalidArgument_data();
    void badInputIsInvalidArgument();
    void routes_data();
    void routes();
    void metricsCountRequests();

    void badArgumentsExit2_data();
    void badArgumentsExit2();
    void badModelExits1NamingFileAndLine_data();
    void badModelExits1NamingFileAndLine();
    void portFromEnvironment();
    void busyPortExits1();
    void sigtermExits0_data();
    void sigtermExits0();

    void crashAfterAborts_data();
    void crashAfterAborts();
    void failHealthAfter_data();
    void failHealthAfter();
    void exitCodeAtStart_data();
    void exitCodeAtStart();
    void cudaOom_data();
    void cudaOom();
    void growMemory();
    void latencyKeepsHealthResponsive();
    void failPercent_data();
    void failPercent();
    void startupDelay_data();
    void startupDelay();

    void openAiModelsAndHealth();
    void openAiCompletion_data();
    void openAiCompletion();
    void openAiStreaming_data();
    void openAiStreaming();
    void openAiBadRequests_data();
    void openAiBadRequests();
    void openAiMetricsFollowLoad();
    void openAiClientLeavingWhileWaitingIsDropped();
    void openAiChunkedBodyPastTheCap();

private:
    QNetworkReply *send(int port, const QByteArray &method, const QString &path, const QByteArray &body = {});
    HttpResult finish(QNetworkReply *reply, const QElapsedTimer &timer);
    HttpResult request(int port, const QByteArray &method, const QString &path, const QByteArray &body = {});
    HttpResult predict(int port, const QByteArray &body) { return request(port, "POST", u"/predict"_s, body); }
    int serverPort(const QString &version) const { return version == u"v1" ? m_v1.port() : m_v2.port(); }
    QHash<QString, double> metricsOf(int port);

    QNetworkAccessManager m_network;
    ModelServer m_v1;
    ModelServer m_v2;
    QTemporaryDir m_scratch;
};

QNetworkReply *TestModelServer::send(int port, const QByteArray &method, const QString &path, const QByteArray &body)
{
    QNetworkRequest request(QUrl(u"http://127.0.0.1:%1%2"_s.arg(port).arg(path)));
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    // Plain HTTP/1.1: no h2c upgrade attempt, which the server would answer by closing.
    request.setAttribute(QNetworkRequest::Http2AllowedAttribute, false);
    return m_network.sendCustomRequest(request, method, body);
}

HttpResult TestModelServer::finish(QNetworkReply *reply, const QElapsedTimer &timer)
{
    HttpResult result;
    result.finished = QTest::qWaitFor([reply] { return reply->isFinished(); }, kHttpMs);
    result.elapsedMs = timer.elapsed();
    result.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    result.body = reply->readAll();
    if (!result.finished)
        reply->abort();
    reply->deleteLater();
    return result;
}

HttpResult TestModelServer::request(int port, const QByteArray &method, const QString &path, const QByteArray &body)
{
    QElapsedTimer timer;
    timer.start();
    return finish(send(port, method, path, body), timer);
}

void TestModelServer::initTestCase()
{
    QVERIFY2(QFileInfo(binary()).isExecutable(),
             qPrintable(u"no servedeck-model-server at '%1' (SERVEDECK_BIN_DIR)"_s.arg(binary())));
    QVERIFY2(QFileInfo::exists(irisCsv(u"iris-v1"_s)), qPrintable(irisCsv(u"iris-v1"_s)));
    QVERIFY(m_scratch.isValid());
    m_network.setProxy(QNetworkProxy::NoProxy);
    QString why;
    QVERIFY2(m_v1.start(v1Arguments(), {}, &why), qPrintable(why));
    QVERIFY2(m_v2.start(v2Arguments(), {}, &why), qPrintable(why));
}

void TestModelServer::cleanupTestCase()
{
    // Both shared servers must still be alive: nothing in the plain tests may kill them.
    QCOMPARE(m_v1.process().state(), QProcess::Running);
    QCOMPARE(m_v2.process().state(), QProcess::Running);
}

void TestModelServer::healthIsOk_data()
{
    QTest::addColumn<QString>("version");
    QTest::newRow("v1") << u"v1"_s;
    QTest::newRow("v2") << u"v2"_s;
}

void TestModelServer::healthIsOk()
{
    QFETCH(QString, version);
    const HttpResult r = request(serverPort(version), "GET", u"/health"_s);
    QVERIFY2(r.status == 200, r.describe().constData());
    QCOMPARE(r.json().value(u"status"_s).toString(), u"ok"_s);
    QCOMPARE(r.json().value(u"model_version"_s).toString(), version);
}

void TestModelServer::predictsClasses_data()
{
    QTest::addColumn<QString>("version");
    QTest::addColumn<QJsonArray>("features");
    QTest::addColumn<QString>("expected");

    // Rows of the training data that lie well inside their class: both models agree.
    const struct
    {
        const char *name;
        QJsonArray features;
        QString expected;
    } clear[] = {
        {"setosa row 1", numbers({5.1, 3.5, 1.4, 0.2}), u"setosa"_s},
        {"setosa row 2", numbers({4.9, 3.0, 1.4, 0.2}), u"setosa"_s},
        {"versicolor row 83", numbers({5.8, 2.7, 3.9, 1.2}), u"versicolor"_s},
        {"versicolor row 80", numbers({5.7, 2.6, 3.5, 1.0}), u"versicolor"_s},
        {"virginica row 146", numbers({6.7, 3.0, 5.2, 2.3}), u"virginica"_s},
        {"virginica row 118", numbers({7.7, 3.8, 6.7, 2.2}), u"virginica"_s},
        {"integers", numbers({5, 3, 1, 0}), u"setosa"_s},
    };
    for (const QString &version : {u"v1"_s, u"v2"_s}) {
        for (const auto &row : clear)
            QTest::addRow("%s %s", qPrintable(version), row.name) << version << row.features << row.expected;
    }
    // Row 51 sits near the versicolor/virginica border: the distance to the means calls it
    // virginica, the per-feature variances (versicolor's petals vary little) versicolor.
    QTest::newRow("v1 borderline row 51") << u"v1"_s << numbers({7.0, 3.2, 4.7, 1.4}) << u"virginica"_s;
    QTest::newRow("v2 borderline row 51") << u"v2"_s << numbers({7.0, 3.2, 4.7, 1.4}) << u"versicolor"_s;
}

void TestModelServer::predictsClasses()
{
    QFETCH(QString, version);
    QFETCH(QJsonArray, features);
    QFETCH(QString, expected);

    const HttpResult r = predict(serverPort(version), featuresBody(features));
    QVERIFY2(r.status == 200, r.describe().constData());
    const QJsonObject answer = r.json();
    QCOMPARE(answer.value(u"model_version"_s).toString(), version);
    QCOMPARE(answer.value(u"prediction"_s).toString(), expected);
    const QJsonArray predictions = answer.value(u"predictions"_s).toArray();
    QCOMPARE(predictions.size(), 1);
    const QJsonObject prediction = predictions.first().toObject();
    QCOMPARE(prediction.value(u"class"_s).toString(), expected);

    const QJsonObject probabilities = prediction.value(u"probabilities"_s).toObject();
    QCOMPARE(probabilities.keys(), (QStringList{u"setosa"_s, u"versicolor"_s, u"virginica"_s}));
    double sum = 0;
    QString best;
    for (auto it = probabilities.begin(); it != probabilities.end(); ++it) {
        const double p = it.value().toDouble(-1);
        QVERIFY2(p >= 0 && p <= 1, qPrintable(it.key() + u" = "_s + QString::number(p)));
        sum += p;
        if (best.isEmpty() || p > probabilities.value(best).toDouble())
            best = it.key();
    }
    QVERIFY2(qAbs(sum - 1.0) < 1e-9, qPrintable(QString::number(sum, 'g', 17)));
    QCOMPARE(best, expected);
}

void TestModelServer::versionsGiveDifferentProbabilities()
{
    const QByteArray body = featuresBody(numbers({6.0, 2.9, 4.5, 1.5}));
    const HttpResult a = predict(m_v1.port(), body);
    const HttpResult b = predict(m_v2.port(), body);
    QVERIFY2(a.status == 200, a.describe().constData());
    QVERIFY2(b.status == 200, b.describe().constData());
    const auto probabilities = [](const HttpResult &r) {
        return r.json().value(u"predictions"_s).toArray().first().toObject().value(u"probabilities"_s).toObject();
    };
    const QJsonObject p1 = probabilities(a);
    const QJsonObject p2 = probabilities(b);
    QCOMPARE(p1.keys(), p2.keys());
    double largestDifference = 0;
    for (const QString &label : p1.keys())
        largestDifference = qMax(largestDifference, qAbs(p1.value(label).toDouble() - p2.value(label).toDouble()));
    QVERIFY2(largestDifference > 0.05, QByteArray(a.body + "\nvs\n" + b.body).constData());
}

void TestModelServer::batchOfInstances()
{
    const QJsonArray instances{numbers({5.1, 3.5, 1.4, 0.2}), numbers({6.7, 3.0, 5.2, 2.3}),
                               numbers({5.8, 2.7, 3.9, 1.2})};
    const QStringList expected{u"setosa"_s, u"virginica"_s, u"versicolor"_s};
    for (const QString &version : {u"v1"_s, u"v2"_s}) {
        const HttpResult r = predict(serverPort(version),
                                     QJsonDocument(QJsonObject{{u"instances"_s, instances}}).toJson());
        QVERIFY2(r.status == 200, r.describe().constData());
        QCOMPARE(r.json().value(u"model_version"_s).toString(), version);
        QVERIFY2(!r.json().contains(u"prediction"_s), "a batch has no single top-level prediction");
        QStringList classes;
        for (const auto &prediction : r.json().value(u"predictions"_s).toArray())
            classes << prediction.toObject().value(u"class"_s).toString();
        QCOMPARE(classes, expected);
    }
}

void TestModelServer::badInputIsInvalidArgument_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("field");  // details.field, empty when the body as a whole is wrong

    QTest::newRow("empty body") << QByteArray() << QString();
    QTest::newRow("not JSON") << QByteArray("sepal_length=5.1") << QString();
    QTest::newRow("truncated JSON") << QByteArray(R"({"features":[5.1,3.5)") << QString();
    QTest::newRow("array body") << QByteArray("[5.1,3.5,1.4,0.2]") << QString();
    QTest::newRow("empty object") << QByteArray("{}") << QString();
    QTest::newRow("unknown field") << QByteArray(R"({"inputs":[5.1,3.5,1.4,0.2]})") << u"inputs"_s;
    QTest::newRow("extra field") << QByteArray(R"({"features":[5.1,3.5,1.4,0.2],"top_k":2})") << u"top_k"_s;
    QTest::newRow("both fields") << QByteArray(R"({"features":[5.1,3.5,1.4,0.2],"instances":[[5.1,3.5,1.4,0.2]]})")
                                 << QString();
    QTest::newRow("features null") << QByteArray(R"({"features":null})") << u"features"_s;
    QTest::newRow("features object") << QByteArray(R"({"features":{"sepal_length":5.1}})") << u"features"_s;
    QTest::newRow("features string") << QByteArray(R"({"features":"5.1,3.5,1.4,0.2"})") << u"features"_s;
    QTest::newRow("3 numbers") << QByteArray(R"({"features":[5.1,3.5,1.4]})") << u"features"_s;
    QTest::newRow("5 numbers") << QByteArray(R"({"features":[5.1,3.5,1.4,0.2,1]})") << u"features"_s;
    QTest::newRow("no numbers") << QByteArray(R"({"features":[]})") << u"features"_s;
    QTest::newRow("string number") << QByteArray(R"({"features":[5.1,"3.5",1.4,0.2]})") << u"features[1]"_s;
    QTest::newRow("null number") << QByteArray(R"({"features":[5.1,3.5,null,0.2]})") << u"features[2]"_s;
    QTest::newRow("bool number") << QByteArray(R"({"features":[5.1,3.5,1.4,true]})") << u"features[3]"_s;
    QTest::newRow("nested array") << QByteArray(R"({"features":[[5.1,3.5,1.4,0.2]]})") << u"features"_s;
    QTest::newRow("out of range") << QByteArray(R"({"features":[1e999,3.5,1.4,0.2]})") << QString();
    QTest::newRow("instances empty") << QByteArray(R"({"instances":[]})") << u"instances"_s;
    QTest::newRow("instances flat") << QByteArray(R"({"instances":[5.1,3.5,1.4,0.2]})") << u"instances[0]"_s;
    QTest::newRow("instances object") << QByteArray(R"({"instances":{"a":[5.1,3.5,1.4,0.2]}})") << u"instances"_s;
    QTest::newRow("instance short") << QByteArray(R"({"instances":[[5.1,3.5,1.4,0.2],[6.7,3.0,5.2]]})")
                                    << u"instances[1]"_s;
    QTest::newRow("instance bad number") << QByteArray(R"({"instances":[[5.1,3.5,1.4,0.2],[6.7,3.0,"x",2.3]]})")
                                         << u"instances[1][2]"_s;
}

void TestModelServer::badInputIsInvalidArgument()
{
    QFETCH(QByteArray, body);
    QFETCH(QString, field);

    const HttpResult r = predict(m_v1.port(), body);
    QVERIFY2(r.status == 400, r.describe().constData());
    const QJsonObject error = r.json().value(u"error"_s).toObject();
    QCOMPARE(error.value(u"type"_s).toString(), u"InvalidArgument"_s);
    QVERIFY2(!error.value(u"message"_s).toString().isEmpty(), r.describe().constData());
    QCOMPARE(error.value(u"details"_s).toObject().value(u"field"_s).toString(), field);
}

void TestModelServer::routes_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QString>("path");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("type");  // the error type, empty for a success

    QTest::newRow("GET /health") << QByteArray("GET") << u"/health"_s << 200 << QString();
    QTest::newRow("GET /metrics") << QByteArray("GET") << u"/metrics"_s << 200 << QString();
    QTest::newRow("GET /predict") << QByteArray("GET") << u"/predict"_s << 405 << u"InvalidArgument"_s;
    QTest::newRow("POST /health") << QByteArray("POST") << u"/health"_s << 405 << u"InvalidArgument"_s;
    QTest::newRow("DELETE /metrics") << QByteArray("DELETE") << u"/metrics"_s << 405 << u"InvalidArgument"_s;
    QTest::newRow("unknown path") << QByteArray("GET") << u"/v1/models"_s << 404 << u"NotFound"_s;
    QTest::newRow("root") << QByteArray("GET") << u"/"_s << 404 << u"NotFound"_s;
}

void TestModelServer::routes()
{
    QFETCH(QByteArray, method);
    QFETCH(QString, path);
    QFETCH(int, status);
    QFETCH(QString, type);

    const HttpResult r = request(m_v1.port(), method, path);
    QVERIFY2(r.status == status, r.describe().constData());
    if (!type.isEmpty())
        QCOMPARE(r.json().value(u"error"_s).toObject().value(u"type"_s).toString(), type);
}

void TestModelServer::metricsCountRequests()
{
    // A server of its own, so that the counts start at zero.
    ModelServer server;
    QString why;
    QVERIFY2(server.start(v2Arguments(), {}, &why), qPrintable(why));

    for (int i = 0; i < 3; ++i)
        QCOMPARE(predict(server.port(), kSetosaBody).status, 200);
    QCOMPARE(predict(server.port(), "not json").status, 400);
    QCOMPARE(predict(server.port(), R"({"features":[1]})").status, 400);
    QCOMPARE(request(server.port(), "GET", u"/health"_s).status, 200);  // not a prediction: not counted

    const HttpResult r = request(server.port(), "GET", u"/metrics"_s);
    QVERIFY2(r.status == 200, r.describe().constData());
    const QHash<QString, double> m = parseMetrics(r.body);
    const auto value = [&](const QString &name) {
        return m.value(name, -1);
    };
    QCOMPARE(value(u"servedeck_model_requests_total{status=\"200\"}"_s), 3.0);
    QCOMPARE(value(u"servedeck_model_requests_total{status=\"400\"}"_s), 2.0);
    QCOMPARE(value(u"servedeck_model_request_duration_seconds_count"_s), 5.0);
    QCOMPARE(value(u"servedeck_model_request_duration_seconds_bucket{le=\"+Inf\"}"_s), 5.0);
    QCOMPARE(value(u"servedeck_model_in_flight"_s), 0.0);
    QCOMPARE(value(u"servedeck_model_queue_length"_s), 0.0);
    QCOMPARE(value(u"servedeck_model_info{version=\"v2\"}"_s), 1.0);
    const double sum = value(u"servedeck_model_request_duration_seconds_sum"_s);
    QVERIFY2(sum > 0 && sum < 5 * 10, r.body.constData());

    // Buckets from 1 ms to 10 s, cumulative.
    double previous = 0;
    int buckets = 0;
    for (const char *le : {"0.001", "0.0025", "0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1", "2.5",
                           "5", "10", "+Inf"}) {
        const double count = value(u"servedeck_model_request_duration_seconds_bucket{le=\"%1\"}"_s.arg(
            QString::fromLatin1(le)));
        QVERIFY2(count >= previous, qPrintable(u"bucket le=%1 is %2"_s.arg(QString::fromLatin1(le)).arg(count)));
        previous = count;
        ++buckets;
    }
    QCOMPARE(buckets, 14);
    QVERIFY(r.body.contains("# TYPE servedeck_model_request_duration_seconds histogram"));
}

void TestModelServer::badArgumentsExit2_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<Environment>("environment");

    const QString csv = irisCsv(u"iris-v1"_s);
    QTest::newRow("unknown option") << QStringList{u"--model"_s, csv, u"--gpus"_s, u"2"_s} << Environment();
    QTest::newRow("positional") << QStringList{u"--model"_s, csv, u"extra"_s} << Environment();
    QTest::newRow("no model") << QStringList{u"--port"_s, u"0"_s} << Environment();
    QTest::newRow("port not a number") << QStringList{u"--model"_s, csv, u"--port"_s, u"http"_s} << Environment();
    QTest::newRow("port too large") << QStringList{u"--model"_s, csv, u"--port"_s, u"65536"_s} << Environment();
    QTest::newRow("PORT not a number") << QStringList{u"--model"_s, csv} << Environment{{u"PORT"_s, u"x"_s}};
    QTest::newRow("host not an address") << QStringList{u"--model"_s, csv, u"--host"_s, u"example.org"_s}
                                         << Environment();
    QTest::newRow("empty version") << QStringList{u"--model"_s, csv, u"--version"_s, u""_s} << Environment();
    QTest::newRow("negative latency") << QStringList{u"--model"_s, csv, u"--latency-ms"_s, u"-5"_s} << Environment();
    QTest::newRow("latency env not a number")
        << QStringList{u"--model"_s, csv} << Environment{{u"SERVEDECK_FAULT_LATENCY_MS"_s, u"slow"_s}};
    QTest::newRow("fail percent 101") << QStringList{u"--model"_s, csv, u"--fail-percent"_s, u"101"_s} << Environment();
    QTest::newRow("fail percent env not a number")
        << QStringList{u"--model"_s, csv} << Environment{{u"SERVEDECK_FAULT_FAIL_PERCENT"_s, u"10%"_s}};
    QTest::newRow("exit code 256") << QStringList{u"--exit-code-at-start"_s, u"256"_s} << Environment();
    QTest::newRow("cuda env not a boolean")
        << QStringList{u"--model"_s, csv} << Environment{{u"SERVEDECK_FAULT_CUDA_OOM"_s, u"maybe"_s}};
    QTest::newRow("openai: 0 tokens per second") << QStringList{u"--openai"_s, u"--tokens-per-second"_s, u"0"_s}
                                                 << Environment();
    QTest::newRow("openai: max-num-seqs 257") << QStringList{u"--openai"_s, u"--max-num-seqs"_s, u"257"_s}
                                              << Environment();
    QTest::newRow("openai: ttft env not a number")
        << QStringList{u"--openai"_s} << Environment{{u"SERVEDECK_OPENAI_TTFT_MS"_s, u"soon"_s}};
    QTest::newRow("openai: model name with a quote")
        << QStringList{u"--openai"_s, u"--served-model-name"_s, u"a\"b"_s} << Environment();
    QTest::newRow("openai: model name with a space")
        << QStringList{u"--openai"_s, u"--served-model-name"_s, u"a b"_s} << Environment();
}

void TestModelServer::badArgumentsExit2()
{
    QFETCH(QStringList, arguments);
    QFETCH(Environment, environment);

    ModelServer server;
    QVERIFY(server.runToExit(arguments, environment));
    QCOMPARE(server.process().exitStatus(), QProcess::NormalExit);
    QVERIFY2(server.process().exitCode() == 2, qPrintable(server.describe()));
    QVERIFY2(!server.standardError().isEmpty(), "a usage error says why");
}

void TestModelServer::badModelExits1NamingFileAndLine_data()
{
    QTest::addColumn<QByteArray>("content");  // null: the file does not exist
    QTest::addColumn<QString>("where");       // expected in stderr after the file name

    const QByteArray header = "sepal_length,sepal_width,petal_length,petal_width,species\n";
    QTest::newRow("missing file") << QByteArray() << u": cannot open"_s;
    QTest::newRow("empty file") << QByteArray("") << u":1:"_s;
    QTest::newRow("header only") << header << u":1:"_s;
    QTest::newRow("short row") << QByteArray(header + "5.1,3.5,1.4,0.2,setosa\n4.9,3.0,1.4,setosa\n") << u":3:"_s;
    QTest::newRow("long row") << QByteArray(header + "5.1,3.5,1.4,0.2,setosa,extra\n") << u":2:"_s;
    QTest::newRow("not a number") << QByteArray(header + "5.1,3.5,1.4,0.2,setosa\n\n4.9,three,1.4,0.2,setosa\n")
                                  << u":4:"_s;
    QTest::newRow("infinite") << QByteArray(header + "5.1,3.5,inf,0.2,setosa\n") << u":2:"_s;
    QTest::newRow("no label") << QByteArray(header + "5.1,3.5,1.4,0.2,\n") << u":2:"_s;
}

void TestModelServer::badModelExits1NamingFileAndLine()
{
    QFETCH(QByteArray, content);
    QFETCH(QString, where);

    const QString path = m_scratch.filePath(QString::fromLatin1(QTest::currentDataTag()).replace(u' ', u'-')
                                            + u".csv"_s);
    if (!content.isNull()) {
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
        file.write(content);
    }
    ModelServer server;
    QVERIFY(server.runToExit({u"--model"_s, path, u"--port"_s, u"0"_s}, {}));
    QCOMPARE(server.process().exitStatus(), QProcess::NormalExit);
    QVERIFY2(server.process().exitCode() == 1, qPrintable(server.describe()));
    QVERIFY2(server.standardError().contains(path + where), qPrintable(server.describe()));
    QVERIFY(server.process().readAllStandardOutput().isEmpty());
}

void TestModelServer::portFromEnvironment()
{
    // A port that was free a moment ago; the agent hands out ports the same way.
    QTcpServer probe;
    QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
    const quint16 port = probe.serverPort();
    probe.close();

    ModelServer server;
    QString why;
    QVERIFY2(server.start({u"--model"_s, irisCsv(u"iris-v1"_s)}, {{u"PORT"_s, QString::number(port)}}, &why),
             qPrintable(why));
    QCOMPARE(server.port(), int(port));
    QCOMPARE(request(server.port(), "GET", u"/health"_s).status, 200);
}

void TestModelServer::busyPortExits1()
{
    ModelServer server;
    QVERIFY(server.runToExit({u"--model"_s, irisCsv(u"iris-v1"_s), u"--port"_s, QString::number(m_v1.port())}, {}));
    QCOMPARE(server.process().exitStatus(), QProcess::NormalExit);
    QVERIFY2(server.process().exitCode() == 1, qPrintable(server.describe()));
    QVERIFY2(server.standardError().contains(u"cannot listen"_s), qPrintable(server.describe()));
}

void TestModelServer::sigtermExits0_data()
{
    QTest::addColumn<QStringList>("extra");
    QTest::addColumn<bool>("predictPending");

    QTest::newRow("idle") << QStringList() << false;
    // The pending answer waits in a nested event loop, which quitting must end too.
    QTest::newRow("during a slow predict") << QStringList{u"--latency-ms"_s, u"60000"_s} << true;
    QTest::newRow("during the start-up delay") << QStringList{u"--startup-delay-ms"_s, u"60000"_s} << false;
}

void TestModelServer::sigtermExits0()
{
    QFETCH(QStringList, extra);
    QFETCH(bool, predictPending);

    ModelServer server;
    QString why;
    if (extra.contains(u"--startup-delay-ms"_s)) {
        server.launch(v1Arguments() + extra, {});
        QVERIFY(server.process().waitForStarted(kStartMs));
        QTRY_VERIFY_WITH_TIMEOUT(server.standardError().contains(u"startup-delay-ms"_s), kStartMs);
    } else {
        QVERIFY2(server.start(v1Arguments() + extra, {}, &why), qPrintable(why));
    }
    QNetworkReply *pending = nullptr;
    if (predictPending) {
        pending = send(server.port(), "POST", u"/predict"_s, kSetosaBody);
        QTRY_VERIFY_WITH_TIMEOUT(parseMetrics(request(server.port(), "GET", u"/metrics"_s).body)
                                         .value(u"servedeck_model_queue_length"_s)
                                     == 1,
                                 kHttpMs);
    }

    QElapsedTimer timer;
    timer.start();
    server.process().terminate();  // SIGTERM
    QVERIFY2(server.waitForExit(), "SIGTERM was not answered");
    QVERIFY2(timer.elapsed() < kExitMs, "SIGTERM must not wait for the fault's delay");
    QCOMPARE(server.process().exitStatus(), QProcess::NormalExit);
    QVERIFY2(server.process().exitCode() == 0, qPrintable(server.describe()));
    if (pending)
        pending->deleteLater();
}

void TestModelServer::crashAfterAborts_data()
{
    QTest::addColumn<QStringList>("extra");
    QTest::addColumn<Environment>("environment");

    QTest::newRow("flag") << QStringList{u"--crash-after"_s, u"3"_s} << Environment();
    QTest::newRow("environment") << QStringList() << Environment{{u"SERVEDECK_FAULT_CRASH_AFTER"_s, u"3"_s}};
    QTest::newRow("flag wins") << QStringList{u"--crash-after"_s, u"3"_s}
                               << Environment{{u"SERVEDECK_FAULT_CRASH_AFTER"_s, u"1"_s}};
}

void TestModelServer::crashAfterAborts()
{
    QFETCH(QStringList, extra);
    QFETCH(Environment, environment);

    ModelServer server;
    QString why;
    QVERIFY2(server.start(v1Arguments() + extra, environment, &why), qPrintable(why));
    for (int i = 1; i <= 3; ++i) {
        const HttpResult r = predict(server.port(), kSetosaBody);
        QVERIFY2(r.status == 200, qPrintable(u"predict #%1: "_s.arg(i) + QString::fromUtf8(r.describe())));
        if (i < 3)
            QCOMPARE(server.process().state(), QProcess::Running);
    }
    QVERIFY2(server.waitForExit(), "no crash after the third /predict");
    QCOMPARE(server.process().exitStatus(), QProcess::CrashExit);
    QCOMPARE(server.process().exitCode(), int(SIGABRT));
    QVERIFY2(server.standardError().contains(u"crash-after 3"_s), qPrintable(server.describe()));
}

void TestModelServer::failHealthAfter_data()
{
    QTest::addColumn<QStringList>("extra");
    QTest::addColumn<Environment>("environment");
    QTest::addColumn<bool>("healthyFirst");

    // Long enough for the first probe to come before it on a loaded runner.
    QTest::newRow("flag 1500 ms") << QStringList{u"--fail-health-after-ms"_s, u"1500"_s} << Environment() << true;
    QTest::newRow("environment 0 ms") << QStringList()
                                      << Environment{{u"SERVEDECK_FAULT_FAIL_HEALTH_AFTER_MS"_s, u"0"_s}} << false;
}

void TestModelServer::failHealthAfter()
{
    QFETCH(QStringList, extra);
    QFETCH(Environment, environment);
    QFETCH(bool, healthyFirst);

    ModelServer server;
    QString why;
    QVERIFY2(server.start(v1Arguments() + extra, environment, &why), qPrintable(why));
    if (healthyFirst) {
        const HttpResult first = request(server.port(), "GET", u"/health"_s);
        QVERIFY2(first.status == 200, first.describe().constData());
    }
    QTRY_COMPARE_WITH_TIMEOUT(request(server.port(), "GET", u"/health"_s).status, 503, kHttpMs);
    const HttpResult r = request(server.port(), "GET", u"/health"_s);
    QCOMPARE(r.status, 503);
    QCOMPARE(r.json().value(u"status"_s).toString(), u"unhealthy"_s);
    // Only the health check fails: the model still answers.
    QCOMPARE(predict(server.port(), kSetosaBody).status, 200);
    QVERIFY2(server.standardError().contains(u"fail-health-after-ms"_s), qPrintable(server.describe()));
}

void TestModelServer::exitCodeAtStart_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<Environment>("environment");
    QTest::addColumn<int>("code");

    // No usable model in any row: the knob fires before loading.
    const QStringList noModel{u"--model"_s, u"/nonexistent/iris.csv"_s};
    QTest::newRow("flag") << QStringList{u"--exit-code-at-start"_s, u"3"_s} << Environment() << 3;
    QTest::newRow("flag, bad model path") << noModel + QStringList{u"--exit-code-at-start"_s, u"3"_s} << Environment()
                                          << 3;
    QTest::newRow("environment") << noModel << Environment{{u"SERVEDECK_FAULT_EXIT_AT_START"_s, u"5"_s}} << 5;
    QTest::newRow("flag wins") << QStringList{u"--exit-code-at-start"_s, u"3"_s}
                               << Environment{{u"SERVEDECK_FAULT_EXIT_AT_START"_s, u"5"_s}} << 3;
    QTest::newRow("zero") << QStringList{u"--exit-code-at-start"_s, u"0"_s} << Environment() << 0;
}

void TestModelServer::exitCodeAtStart()
{
    QFETCH(QStringList, arguments);
    QFETCH(Environment, environment);
    QFETCH(int, code);

    ModelServer server;
    QVERIFY(server.runToExit(arguments, environment));
    QCOMPARE(server.process().exitStatus(), QProcess::NormalExit);
    QVERIFY2(server.process().exitCode() == code, qPrintable(server.describe()));
    QVERIFY(server.process().readAllStandardOutput().isEmpty());
}

void TestModelServer::cudaOom_data()
{
    QTest::addColumn<QStringList>("extra");
    QTest::addColumn<Environment>("environment");

    QTest::newRow("flag") << QStringList{u"--log-cuda-oom"_s} << Environment();
    QTest::newRow("environment 1") << QStringList() << Environment{{u"SERVEDECK_FAULT_CUDA_OOM"_s, u"1"_s}};
    QTest::newRow("environment true") << QStringList() << Environment{{u"SERVEDECK_FAULT_CUDA_OOM"_s, u"true"_s}};
}

void TestModelServer::cudaOom()
{
    QFETCH(QStringList, extra);
    QFETCH(Environment, environment);

    ModelServer server;
    QVERIFY(server.runToExit(v1Arguments() + extra, environment));
    QCOMPARE(server.process().exitStatus(), QProcess::NormalExit);
    QVERIFY2(server.process().exitCode() == 1, qPrintable(server.describe()));
    QVERIFY2(server.standardError().contains(u"RuntimeError: CUDA out of memory. Tried to allocate 2.00 GiB\n"_s),
             qPrintable(server.describe()));
    QVERIFY(server.process().readAllStandardOutput().isEmpty());
}

void TestModelServer::growMemory()
{
    constexpr int kGrowMb = 64;
    ModelServer server;
    QString why;
    QVERIFY2(server.start(v1Arguments() + QStringList{u"--grow-memory-mb"_s, QString::number(kGrowMb)},
                          {{u"SERVEDECK_FAULT_GROW_MEMORY_MB"_s, u"1"_s}}, &why),  // the flag wins
             qPrintable(why));
    QCOMPARE(request(server.port(), "GET", u"/health"_s).status, 200);  // settles allocations of a first request

    qint64 before = server.residentBytes();
    QVERIFY(before > 0);
    for (int i = 1; i <= 3; ++i) {
        QCOMPARE(predict(server.port(), kSetosaBody).status, 200);
        const qint64 after = server.residentBytes();
        // A little slack for pages the allocator reuses; a 1 MiB grow (the environment's) would fail this.
        QVERIFY2(after - before >= (kGrowMb - 4) * kMiB,
                 qPrintable(u"predict #%1: VmRSS %2 -> %3 MiB"_s.arg(i).arg(before / kMiB).arg(after / kMiB)));
        before = after;
    }
    QVERIFY2(server.standardError().contains(u"grow-memory-mb 64: now holding 192 MiB"_s),
             qPrintable(server.describe()));
}

void TestModelServer::latencyKeepsHealthResponsive()
{
    constexpr int kLatencyMs = 1500;
    ModelServer server;
    QString why;
    QVERIFY2(server.start(v1Arguments(), {{u"SERVEDECK_FAULT_LATENCY_MS"_s, QString::number(kLatencyMs)}}, &why),
             qPrintable(why));

    QElapsedTimer predictTimer;
    predictTimer.start();
    QNetworkReply *slow = send(server.port(), "POST", u"/predict"_s, kSetosaBody);

    // While it waits, the metrics show it queued and /health answers at once.
    QTRY_VERIFY_WITH_TIMEOUT(parseMetrics(request(server.port(), "GET", u"/metrics"_s).body)
                                     .value(u"servedeck_model_queue_length"_s)
                                 == 1,
                             kHttpMs);
    const HttpResult health = request(server.port(), "GET", u"/health"_s);
    QVERIFY2(health.status == 200, health.describe().constData());
    QVERIFY2(!slow->isFinished(), "/health must answer before the delayed /predict");
    const QHash<QString, double> during = parseMetrics(request(server.port(), "GET", u"/metrics"_s).body);
    QCOMPARE(during.value(u"servedeck_model_in_flight"_s), 1.0);

    const HttpResult r = finish(slow, predictTimer);
    QVERIFY2(r.status == 200, r.describe().constData());
    QCOMPARE(r.json().value(u"prediction"_s).toString(), u"setosa"_s);
    QVERIFY2(r.elapsedMs >= kLatencyMs, qPrintable(u"answered after %1 ms"_s.arg(r.elapsedMs)));

    const QHash<QString, double> after = parseMetrics(request(server.port(), "GET", u"/metrics"_s).body);
    QCOMPARE(after.value(u"servedeck_model_queue_length"_s), 0.0);
    QCOMPARE(after.value(u"servedeck_model_in_flight"_s), 0.0);
    QCOMPARE(after.value(u"servedeck_model_request_duration_seconds_bucket{le=\"1\"}"_s), 0.0);
    QCOMPARE(after.value(u"servedeck_model_request_duration_seconds_bucket{le=\"2.5\"}"_s), 1.0);
}

void TestModelServer::failPercent_data()
{
    QTest::addColumn<QStringList>("extra");
    QTest::addColumn<Environment>("environment");
    QTest::addColumn<QList<int>>("failing");  // which of the first 20 /predict answer 500 (1-based)

    QTest::newRow("flag 10: every 10th") << QStringList{u"--fail-percent"_s, u"10"_s} << Environment()
                                         << QList<int>{10, 20};
    QTest::newRow("environment 25: every 4th") << QStringList()
                                               << Environment{{u"SERVEDECK_FAULT_FAIL_PERCENT"_s, u"25"_s}}
                                               << QList<int>{4, 8, 12, 16, 20};
    // 30 of every 100, never two in a row: n * 30 mod 100 < 30.
    QTest::newRow("flag 30, spread") << QStringList{u"--fail-percent"_s, u"30"_s} << Environment()
                                     << QList<int>{4, 7, 10, 14, 17, 20};
    QTest::newRow("flag wins") << QStringList{u"--fail-percent"_s, u"50"_s}
                               << Environment{{u"SERVEDECK_FAULT_FAIL_PERCENT"_s, u"100"_s}}
                               << QList<int>{2, 4, 6, 8, 10, 12, 14, 16, 18, 20};
    QList<int> all;
    for (int i = 1; i <= 20; ++i)
        all << i;
    QTest::newRow("100: all") << QStringList{u"--fail-percent"_s, u"100"_s} << Environment() << all;
    QTest::newRow("0: none") << QStringList{u"--fail-percent"_s, u"0"_s} << Environment() << QList<int>();
}

void TestModelServer::failPercent()
{
    QFETCH(QStringList, extra);
    QFETCH(Environment, environment);
    QFETCH(QList<int>, failing);

    ModelServer server;
    QString why;
    QVERIFY2(server.start(v1Arguments() + extra, environment, &why), qPrintable(why));
    QList<int> failed;
    for (int i = 1; i <= 20; ++i) {
        const HttpResult r = predict(server.port(), kSetosaBody);
        QVERIFY2(r.status == 200 || r.status == 500, qPrintable(u"predict #%1: "_s.arg(i) + QString::fromUtf8(r.describe())));
        if (r.status == 500) {
            failed << i;
            const QJsonObject error = r.json().value(u"error"_s).toObject();
            QCOMPARE(error.value(u"type"_s).toString(), u"InternalError"_s);
            QVERIFY2(error.value(u"message"_s).toString().contains(u"fault injected: fail-percent"_s), r.body.constData());
        } else {
            QCOMPARE(r.json().value(u"prediction"_s).toString(), u"setosa"_s);
        }
    }
    QCOMPARE(failed, failing);

    // The failures are counted like any other answer.
    const HttpResult metrics = request(server.port(), "GET", u"/metrics"_s);
    QVERIFY2(metrics.status == 200, metrics.describe().constData());
    const QHash<QString, double> m = parseMetrics(metrics.body);
    QCOMPARE(m.value(u"servedeck_model_requests_total{status=\"500\"}"_s, 0), double(failing.size()));
    QCOMPARE(m.value(u"servedeck_model_requests_total{status=\"200\"}"_s, 0), double(20 - failing.size()));
    QCOMPARE(request(server.port(), "GET", u"/health"_s).status, 200);  // the model fails, not the server
    if (!failing.isEmpty())
        QVERIFY2(server.standardError().contains(u"fail-percent"_s), qPrintable(server.describe()));
}

void TestModelServer::startupDelay_data()
{
    QTest::addColumn<QStringList>("extra");
    QTest::addColumn<Environment>("environment");

    QTest::newRow("flag") << QStringList{u"--startup-delay-ms"_s, u"800"_s} << Environment();
    QTest::newRow("environment") << QStringList() << Environment{{u"SERVEDECK_FAULT_STARTUP_DELAY_MS"_s, u"800"_s}};
}

void TestModelServer::startupDelay()
{
    QFETCH(QStringList, extra);
    QFETCH(Environment, environment);

    QElapsedTimer timer;
    timer.start();
    ModelServer server;
    QString why;
    QVERIFY2(server.start(v1Arguments() + extra, environment, &why), qPrintable(why));
    QVERIFY2(timer.elapsed() >= 800, qPrintable(u"listening after %1 ms"_s.arg(timer.elapsed())));
    QCOMPARE(request(server.port(), "GET", u"/health"_s).status, 200);
}

// ---------------------------------------------------------------------------
// The OpenAI-compatible mode.

namespace {

const QString kModelName = u"demo-llm"_s;

QStringList openAiArguments(int ttftMs, int tokensPerSecond, int maxNumSeqs = 4)
{
    return {u"--openai"_s, u"--port"_s, u"0"_s, u"--served-model-name"_s, kModelName,
            u"--ttft-ms"_s, QString::number(ttftMs), u"--tokens-per-second"_s, QString::number(tokensPerSecond),
            u"--max-num-seqs"_s, QString::number(maxNumSeqs)};
}

QByteArray completionBody(bool chat, int maxTokens, bool stream)
{
    QJsonObject body{{u"model"_s, kModelName}, {u"max_tokens"_s, maxTokens}, {u"stream"_s, stream}};
    if (chat)
        body.insert(u"messages"_s, QJsonArray{QJsonObject{{u"role"_s, u"user"_s}, {u"content"_s, u"say four words"_s}}});
    else
        body.insert(u"prompt"_s, u"once upon a time"_s);
    return QJsonDocument(body).toJson(QJsonDocument::Compact);
}

QString completionPath(bool chat)
{
    return chat ? u"/v1/chat/completions"_s : u"/v1/completions"_s;
}

// The four fields of OpenAI's error object, with their JSON types.
bool isOpenAiError(const QJsonObject &body)
{
    const QJsonObject error = body.value(u"error"_s).toObject();
    return error.value(u"message"_s).isString() && !error.value(u"message"_s).toString().isEmpty()
        && error.value(u"type"_s).isString() && error.contains(u"param"_s) && error.contains(u"code"_s);
}

} // namespace

QHash<QString, double> TestModelServer::metricsOf(int port)
{
    const HttpResult r = request(port, "GET", u"/metrics"_s);
    if (r.status != 200)
        return {{u"no metrics: "_s + QString::fromUtf8(r.describe()), -1}};
    return parseMetrics(r.body);
}

void TestModelServer::openAiModelsAndHealth()
{
    ModelServer server;
    QString why;
    QVERIFY2(server.start(openAiArguments(0, 1000), {}, &why), qPrintable(why));

    const HttpResult models = request(server.port(), "GET", u"/v1/models"_s);
    QVERIFY2(models.status == 200, models.describe().constData());
    QCOMPARE(models.json().value(u"object"_s).toString(), u"list"_s);
    const QJsonArray data = models.json().value(u"data"_s).toArray();
    QCOMPARE(data.size(), 1);
    QCOMPARE(data.at(0).toObject().value(u"id"_s).toString(), kModelName);
    QCOMPARE(data.at(0).toObject().value(u"object"_s).toString(), u"model"_s);
    QVERIFY(data.at(0).toObject().value(u"created"_s).toInteger() > 0);

    const HttpResult health = request(server.port(), "GET", u"/health"_s);
    QVERIFY2(health.status == 200, health.describe().constData());
    // The iris routes are not part of this mode.
    const HttpResult predict = request(server.port(), "POST", u"/predict"_s, kSetosaBody);
    QVERIFY2(predict.status == 404 && isOpenAiError(predict.json()), predict.describe().constData());
}

void TestModelServer::openAiCompletion_data()
{
    QTest::addColumn<bool>("chat");
    QTest::newRow("completion") << false;
    QTest::newRow("chat") << true;
}

void TestModelServer::openAiCompletion()
{
    QFETCH(bool, chat);
    constexpr int kTtftMs = 300;
    constexpr int kTokensPerSecond = 20;  // 50 ms a token
    constexpr int kTokens = 5;
    ModelServer server;
    QString why;
    QVERIFY2(server.start(openAiArguments(kTtftMs, kTokensPerSecond), {}, &why), qPrintable(why));

    const HttpResult r = request(server.port(), "POST", completionPath(chat), completionBody(chat, kTokens, false));
    QVERIFY2(r.status == 200, r.describe().constData());
    // The whole answer takes the first token's wait and four more tokens' (10% slack for timer rounding).
    const qint64 least = (kTtftMs + (kTokens - 1) * 1000 / kTokensPerSecond) * 9 / 10;
    QVERIFY2(r.elapsedMs >= least, qPrintable(u"answered after %1 ms, before %2 ms"_s.arg(r.elapsedMs).arg(least)));

    const QJsonObject body = r.json();
    QVERIFY2(body.value(u"id"_s).toString().startsWith(chat ? u"chatcmpl-"_s : u"cmpl-"_s), r.body.constData());
    QCOMPARE(body.value(u"object"_s).toString(), chat ? u"chat.completion"_s : u"text_completion"_s);
    QCOMPARE(body.value(u"model"_s).toString(), kModelName);
    QVERIFY(body.value(u"created"_s).toInteger() > 0);
    const QJsonArray choices = body.value(u"choices"_s).toArray();
    QCOMPARE(choices.size(), 1);
    const QJsonObject choice = choices.at(0).toObject();
    QCOMPARE(choice.value(u"index"_s).toInt(-1), 0);
    QCOMPARE(choice.value(u"finish_reason"_s).toString(), u"length"_s);
    const QString text = chat ? choice.value(u"message"_s).toObject().value(u"content"_s).toString()
                              : choice.value(u"text"_s).toString();
    if (chat)
        QCOMPARE(choice.value(u"message"_s).toObject().value(u"role"_s).toString(), u"assistant"_s);
    QCOMPARE(text.split(u' ', Qt::SkipEmptyParts).size(), kTokens);
    const QJsonObject usage = body.value(u"usage"_s).toObject();
    const int prompt = chat ? 3 : 4;  // "say four words", "once upon a time"
    QCOMPARE(usage.value(u"prompt_tokens"_s).toInt(-1), prompt);
    QCOMPARE(usage.value(u"completion_tokens"_s).toInt(-1), kTokens);
    QCOMPARE(usage.value(u"total_tokens"_s).toInt(-1), prompt + kTokens);
}

void TestModelServer::openAiStreaming_data()
{
    QTest::addColumn<bool>("chat");
    QTest::addColumn<bool>("includeUsage");
    QTest::newRow("completion") << false << false;
    QTest::newRow("chat") << true << false;
    QTest::newRow("chat, include_usage") << true << true;
}

void TestModelServer::openAiStreaming()
{
    QFETCH(bool, chat);
    QFETCH(bool, includeUsage);
    constexpr int kTtftMs = 400;
    constexpr int kTokensPerSecond = 10;  // 100 ms a token
    constexpr int kTokens = 4;
    ModelServer server;
    QString why;
    QVERIFY2(server.start(openAiArguments(kTtftMs, kTokensPerSecond), {}, &why), qPrintable(why));

    QElapsedTimer timer;
    timer.start();
    QByteArray body = completionBody(chat, kTokens, true);
    if (includeUsage)
        body.replace("\"stream\":true", "\"stream\":true,\"stream_options\":{\"include_usage\":true}");
    QNetworkReply *reply = send(server.port(), "POST", completionPath(chat), body);
    // When each server-sent event arrived, in order.
    QList<std::pair<qint64, QByteArray>> events;
    QByteArray buffer;
    connect(reply, &QNetworkReply::readyRead, this, [&] {
        buffer += reply->readAll();
        for (qsizetype end = buffer.indexOf("\n\n"); end >= 0; end = buffer.indexOf("\n\n")) {
            events.append({timer.elapsed(), buffer.left(end)});
            buffer.remove(0, end + 2);
        }
    });
    const HttpResult r = finish(reply, timer);
    QVERIFY2(r.finished && r.status == 200, r.describe().constData());
    QVERIFY2(buffer.isEmpty(), buffer.constData());

    // A chunk per token, one with the finish reason, one with the counts if asked, then [DONE].
    QCOMPARE(events.size(), kTokens + (includeUsage ? 3 : 2));
    QCOMPARE(events.constLast().second, QByteArray("data: [DONE]"));
    if (includeUsage) {
        const QByteArray event = events.takeAt(events.size() - 2).second;
        const QJsonObject chunk = QJsonDocument::fromJson(event.mid(6)).object();
        QVERIFY2(chunk.value(u"choices"_s).isArray() && chunk.value(u"choices"_s).toArray().isEmpty(), event.constData());
        const QJsonObject usage = chunk.value(u"usage"_s).toObject();
        QCOMPARE(usage.value(u"prompt_tokens"_s).toInt(-1), 3);
        QCOMPARE(usage.value(u"completion_tokens"_s).toInt(-1), kTokens);
        QCOMPARE(usage.value(u"total_tokens"_s).toInt(-1), 3 + kTokens);
    }
    QString text;
    for (qsizetype i = 0; i + 1 < events.size(); ++i) {
        const QByteArray &event = events.at(i).second;
        QVERIFY2(event.startsWith("data: "), event.constData());
        const QJsonObject chunk = QJsonDocument::fromJson(event.mid(6)).object();
        QVERIFY2(chunk.value(u"id"_s).toString().startsWith(chat ? u"chatcmpl-"_s : u"cmpl-"_s), event.constData());
        QCOMPARE(chunk.value(u"object"_s).toString(), chat ? u"chat.completion.chunk"_s : u"text_completion"_s);
        QCOMPARE(chunk.value(u"model"_s).toString(), kModelName);
        const QJsonObject choice = chunk.value(u"choices"_s).toArray().at(0).toObject();
        const bool last = i + 2 == events.size();
        QCOMPARE(choice.value(u"finish_reason"_s).toString(), last ? u"length"_s : QString());
        text += chat ? choice.value(u"delta"_s).toObject().value(u"content"_s).toString()
                     : choice.value(u"text"_s).toString();
        if (chat && i == 0)
            QCOMPARE(choice.value(u"delta"_s).toObject().value(u"role"_s).toString(), u"assistant"_s);
    }
    QCOMPARE(text.split(u' ', Qt::SkipEmptyParts).size(), kTokens);

    // Over time: the first token after about the time to first token, each next one a token's time later.
    const qint64 first = events.constFirst().first;
    QVERIFY2(first >= kTtftMs * 9 / 10, qPrintable(u"first chunk after %1 ms"_s.arg(first)));
    const qint64 tokenMs = 1000 / kTokensPerSecond;
    for (int i = 1; i < kTokens; ++i) {
        const qint64 gap = events.at(i).first - events.at(i - 1).first;
        QVERIFY2(gap >= tokenMs / 2, qPrintable(u"chunk %1 came %2 ms after the one before"_s.arg(i).arg(gap)));
    }
    QVERIFY2(events.at(kTokens - 1).first - first >= (kTokens - 1) * tokenMs * 9 / 10,
             qPrintable(u"tokens spread over %1 ms"_s.arg(events.at(kTokens - 1).first - first)));
}

void TestModelServer::openAiBadRequests_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QString>("path");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("param");  // empty: null

    const QByteArray model = "\"model\":\"" + kModelName.toUtf8() + "\"";
    const auto completion = [&](const QByteArray &fields) -> QByteArray { return "{" + model + "," + fields + "}"; };
    const QString completions = u"/v1/completions"_s;
    const QString chat = u"/v1/chat/completions"_s;
    QTest::newRow("malformed JSON") << QByteArray("POST") << completions << QByteArray("{\"model\":") << 400 << QString();
    QTest::newRow("not an object") << QByteArray("POST") << completions << QByteArray("[1]") << 400 << QString();
    QTest::newRow("no model") << QByteArray("POST") << completions << QByteArray(R"({"prompt":"hi"})") << 400
                              << u"model"_s;
    QTest::newRow("unknown model") << QByteArray("POST") << completions
                                   << QByteArray(R"({"model":"gpt-4","prompt":"hi"})") << 404 << u"model"_s;
    QTest::newRow("no prompt") << QByteArray("POST") << completions << completion("\"max_tokens\":2") << 400
                               << u"prompt"_s;
    QTest::newRow("prompt a number") << QByteArray("POST") << completions << completion("\"prompt\":7") << 400
                                     << u"prompt"_s;
    QTest::newRow("max_tokens 0") << QByteArray("POST") << completions << completion("\"prompt\":\"a\",\"max_tokens\":0")
                                  << 400 << u"max_tokens"_s;
    QTest::newRow("max_tokens past the bound")
        << QByteArray("POST") << completions << completion("\"prompt\":\"a\",\"max_tokens\":4097") << 400
        << u"max_tokens"_s;
    QTest::newRow("max_tokens a fraction")
        << QByteArray("POST") << completions << completion("\"prompt\":\"a\",\"max_tokens\":1.5") << 400
        << u"max_tokens"_s;
    QTest::newRow("stream a string") << QByteArray("POST") << completions
                                     << completion("\"prompt\":\"a\",\"stream\":\"yes\"") << 400 << u"stream"_s;
    QTest::newRow("stream_options without stream")
        << QByteArray("POST") << completions << completion("\"prompt\":\"a\",\"stream_options\":{\"include_usage\":true}")
        << 400 << u"stream_options"_s;
    QTest::newRow("n 2") << QByteArray("POST") << completions << completion("\"prompt\":\"a\",\"n\":2") << 400
                         << u"n"_s;
    QTest::newRow("unknown field") << QByteArray("POST") << completions << completion("\"prompt\":\"a\",\"best_of\":3")
                                   << 400 << u"best_of"_s;
    QTest::newRow("messages on completions")
        << QByteArray("POST") << completions << completion("\"prompt\":\"a\",\"messages\":[]") << 400 << u"messages"_s;
    QTest::newRow("chat: no messages") << QByteArray("POST") << chat << completion("\"max_tokens\":2") << 400
                                       << u"messages"_s;
    QTest::newRow("chat: empty messages") << QByteArray("POST") << chat << completion("\"messages\":[]") << 400
                                          << u"messages"_s;
    QTest::newRow("chat: bad role") << QByteArray("POST") << chat
                                    << completion(R"("messages":[{"role":"robot","content":"hi"}])") << 400
                                    << u"messages[0].role"_s;
    QTest::newRow("chat: content a number") << QByteArray("POST") << chat
                                            << completion(R"("messages":[{"role":"user","content":5}])") << 400
                                            << u"messages[0].content"_s;
    QTest::newRow("chat: temperature a string")
        << QByteArray("POST") << chat << completion(R"("messages":[{"role":"user","content":"a"}],"temperature":"hot")")
        << 400 << u"temperature"_s;
    QTest::newRow("body past 256 KiB")
        << QByteArray("POST") << completions
        << completion("\"prompt\":\"" + QByteArray(300 * 1024, 'a') + "\"") << 413 << QString();
    QTest::newRow("GET completions") << QByteArray("GET") << completions << QByteArray() << 405 << QString();
    QTest::newRow("POST models") << QByteArray("POST") << u"/v1/models"_s << QByteArray() << 405 << QString();
    QTest::newRow("unknown route") << QByteArray("GET") << u"/v1/embeddings"_s << QByteArray() << 404 << QString();
}

void TestModelServer::openAiBadRequests()
{
    QFETCH(QByteArray, method);
    QFETCH(QString, path);
    QFETCH(QByteArray, body);
    QFETCH(int, status);
    QFETCH(QString, param);

    ModelServer server;
    QString why;
    QVERIFY2(server.start(openAiArguments(0, 1000), {}, &why), qPrintable(why));

    const HttpResult r = request(server.port(), method, path, body);
    QVERIFY2(r.status == status, r.describe().constData());
    QVERIFY2(isOpenAiError(r.json()), r.describe().constData());
    const QJsonValue gotParam = r.json().value(u"error"_s).toObject().value(u"param"_s);
    if (param.isEmpty())
        QVERIFY2(gotParam.isNull(), r.describe().constData());
    else
        QCOMPARE(gotParam.toString(), param);

    // Refused requests take no tokens and leave no work behind.
    const QHash<QString, double> m = metricsOf(server.port());
    const QString label = u"{model_name=\"%1\"}"_s.arg(kModelName);
    QCOMPARE(m.value(u"vllm:prompt_tokens_total"_s + label, -1), 0.0);
    QCOMPARE(m.value(u"vllm:num_requests_running"_s + label, -1), 0.0);
    QCOMPARE(m.value(u"vllm:num_requests_waiting"_s + label, -1), 0.0);
}

void TestModelServer::openAiMetricsFollowLoad()
{
    // Two run at once, each about 100 ms + 19 * 50 ms; the other three wait their turn.
    constexpr int kRequests = 5;
    constexpr int kSeqs = 2;
    ModelServer server;
    QString why;
    QVERIFY2(server.start(openAiArguments(100, 20, kSeqs), {}, &why), qPrintable(why));
    const QString label = u"{model_name=\"%1\"}"_s.arg(kModelName);
    const QString running = u"vllm:num_requests_running"_s + label;
    const QString waiting = u"vllm:num_requests_waiting"_s + label;
    const QString kvCache = u"vllm:kv_cache_usage_perc"_s + label;
    const QString success = u"vllm:request_success_total"_s + label;

    QHash<QString, double> idle = metricsOf(server.port());
    QCOMPARE(idle.value(running, -1), 0.0);
    QCOMPARE(idle.value(waiting, -1), 0.0);
    QCOMPARE(idle.value(kvCache, -1), 0.0);

    QElapsedTimer timer;
    timer.start();
    QList<QNetworkReply *> replies;
    for (int i = 0; i < kRequests; ++i)
        replies << send(server.port(), "POST", completionPath(i % 2 == 1), completionBody(i % 2 == 1, 20, i % 2 == 0));

    QHash<QString, double> busy;
    QTRY_VERIFY_WITH_TIMEOUT((busy = metricsOf(server.port())).value(waiting, -1) == kRequests - kSeqs, kHttpMs);
    QCOMPARE(busy.value(running, -1), double(kSeqs));
    const double usage = busy.value(kvCache, -1);
    QVERIFY2(usage > 0 && usage <= 1, qPrintable(QString::number(usage)));

    // As the first ones finish, the waiting ones run, until every one is answered.
    QTRY_VERIFY_WITH_TIMEOUT((busy = metricsOf(server.port())).value(waiting, -1) < kRequests - kSeqs, kHttpMs);
    for (QNetworkReply *reply : std::as_const(replies)) {
        const HttpResult r = finish(reply, timer);
        QVERIFY2(r.finished && r.status == 200, r.describe().constData());
    }
    const QHash<QString, double> after = metricsOf(server.port());
    QCOMPARE(after.value(running, -1), 0.0);
    QCOMPARE(after.value(waiting, -1), 0.0);
    QCOMPARE(after.value(kvCache, -1), 0.0);
    QCOMPARE(after.value(success, -1), double(kRequests));
    QCOMPARE(after.value(u"vllm:generation_tokens_total"_s + label, -1), double(kRequests * 20));
}

void TestModelServer::openAiClientLeavingWhileWaitingIsDropped()
{
    // One runs at a time, for 200 tokens at 10 a second (longer than any wait below): the second
    // request waits meanwhile.
    ModelServer server;
    QString why;
    QVERIFY2(server.start(openAiArguments(0, 10, 1), {}, &why), qPrintable(why));
    const QString label = u"{model_name=\"%1\"}"_s.arg(kModelName);
    const QString running = u"vllm:num_requests_running"_s + label;
    const QString waiting = u"vllm:num_requests_waiting"_s + label;

    QNetworkReply *first = send(server.port(), "POST", completionPath(false), completionBody(false, 200, true));
    QNetworkReply *second = send(server.port(), "POST", completionPath(false), completionBody(false, 50, true));
    QTRY_VERIFY_WITH_TIMEOUT(metricsOf(server.port()).value(waiting, -1) == 1, kHttpMs);
    second->abort();
    second->deleteLater();
    QTRY_VERIFY_WITH_TIMEOUT(metricsOf(server.port()).value(waiting, -1) == 0, kHttpMs);
    QCOMPARE(metricsOf(server.port()).value(running, -1), 1.0);
    first->abort();
    first->deleteLater();
}

void TestModelServer::openAiChunkedBodyPastTheCap()
{
    // A chunked body has no length up front: it is read, then refused in OpenAI's shape.
    ModelServer server;
    QString why;
    QVERIFY2(server.start(openAiArguments(0, 1000), {}, &why), qPrintable(why));
    const QByteArray body = "{\"model\":\"" + kModelName.toUtf8() + "\",\"prompt\":\"" + QByteArray(300 * 1024, 'a')
        + "\"}";
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, quint16(server.port()));
    QVERIFY(socket.waitForConnected(kHttpMs));
    socket.write("POST /v1/completions HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked\r\n\r\n"
                 + QByteArray::number(body.size(), 16) + "\r\n" + body + "\r\n0\r\n\r\n");
    QByteArray wire;
    const bool answered = QTest::qWaitFor([&] {
        wire += socket.readAll();
        const qsizetype end = wire.indexOf("\r\n\r\n");
        return end >= 0 && wire.endsWith("}");
    }, kHttpMs);
    QVERIFY2(answered, wire.constData());
    QVERIFY2(wire.startsWith("HTTP/1.1 413 "), wire.constData());
    const QJsonObject error = QJsonDocument::fromJson(wire.mid(wire.indexOf("\r\n\r\n") + 4)).object();
    QVERIFY2(isOpenAiError(error), wire.constData());
}

QTEST_GUILESS_MAIN(TestModelServer)

#include "test_modelserver.moc"
