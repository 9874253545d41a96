// End-to-end: the real servedeck-model-server binary on a loopback port, trained from the
// demo model folders' iris.csv, and every fault knob that the agent's supervision relies on.
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
        if (name == u"PORT" || name.startsWith(u"SERVEDECK_FAULT_"))
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

private:
    QNetworkReply *send(int port, const QByteArray &method, const QString &path, const QByteArray &body = {});
    HttpResult finish(QNetworkReply *reply, const QElapsedTimer &timer);
    HttpResult request(int port, const QByteArray &method, const QString &path, const QByteArray &body = {});
    HttpResult predict(int port, const QByteArray &body) { return request(port, "POST", u"/predict"_s, body); }
    int serverPort(const QString &version) const { return version == u"v1" ? m_v1.port() : m_v2.port(); }

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

QTEST_GUILESS_MAIN(TestModelServer)

#include "test_modelserver.moc"
