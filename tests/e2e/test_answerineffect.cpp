// What the control API answers for is in effect at the proxy by the time the answer leaves: the
// proxy's routing snapshot is published before the answer, not on the control thread's next
// turn. Each request is handled here without the event loop running between it and the look at
// the proxy (whose workers have threads of their own), so a publish left for later shows.
#include <memory>

#include <QDir>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

#include "api/controlapiserver.h"
#include "http/httprequest.h"
#include "http/httpresponse.h"
#include "plane/controlplane.h"

using namespace ServeDeck;
using namespace Qt::StringLiterals;

namespace {

constexpr int kSocketMs = 5000;

// The status of GET path at the proxy, read with blocking calls: this thread's event loop does
// not run meanwhile. 0 when no answer came.
int proxyStatus(const QString &hostPort, const QByteArray &path, const QByteArray &authorization = {})
{
    const qsizetype colon = hostPort.lastIndexOf(u':');
    QTcpSocket socket;
    socket.connectToHost(hostPort.left(colon), quint16(hostPort.mid(colon + 1).toUInt()));
    if (!socket.waitForConnected(kSocketMs))
        return 0;
    QByteArray head = "GET " + path + " HTTP/1.1\r\nHost: test\r\nConnection: close\r\n";
    if (!authorization.isEmpty())
        head += "Authorization: " + authorization + "\r\n";
    socket.write(head + "\r\n");
    QByteArray answer;
    while (!answer.contains("\r\n") && answer.size() < 4096 && socket.waitForReadyRead(kSocketMs))
        answer += socket.readAll();
    // "HTTP/1.1 503 Service Unavailable"
    const QList<QByteArray> statusLine = answer.left(answer.indexOf("\r\n")).split(' ');
    return statusLine.size() >= 2 ? statusLine.at(1).toInt() : 0;
}

} // namespace

class TestAnswerInEffect : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init()
    {
        m_dir = std::make_unique<QTemporaryDir>();
        QVERIFY(m_dir->isValid());
        ControlPlaneOptions options;
        options.dataDir = m_dir->filePath(u"data"_s);
        options.capacity = u"cpu=8,memory=16G"_s;
        options.runReplicas = false;  // routes stay unhealthy: the proxy answers 503 for a known endpoint
        options.signingKeyFromFile = true;
        options.modelRoots = {QDir(qEnvironmentVariable("SERVEDECK_SOURCE_DIR")).filePath(u"resources/models"_s)};
        m_plane = std::make_unique<ControlPlane>();
        auto started = m_plane->start(options);
        QVERIFY2(started, started ? "" : qPrintable(started.error().message));
        QVERIFY(m_plane->api());
    }

    void cleanup()
    {
        m_plane.reset();
        m_dir.reset();
    }

    void aCreatedEndpointIsKnownWhenTheAnswerLeaves()
    {
        QCOMPARE(proxyStatus(m_plane->proxyAddress(), "/fresh/predict"), 404);  // unknown: the baseline
        const HttpResponse created = call("POST", "/v1/services",
                                          {{u"name"_s, u"fresh"_s}, {u"model_version"_s, u"v1"_s},
                                           {u"model_folder"_s, u"iris-v1"_s}, {u"replicas"_s, 1}, {u"public"_s, true}});
        QVERIFY2(created.status == 201 || created.status == 200, created.body.constData());
        // Known, with no healthy replica yet: 503, not "no such endpoint".
        QCOMPARE(proxyStatus(m_plane->proxyAddress(), "/fresh/predict"), 503);
    }

    void aRevokedTokenIsRefusedWhenTheAnswerLeaves()
    {
        const HttpResponse created = call("POST", "/v1/services",
                                          {{u"name"_s, u"private"_s}, {u"model_version"_s, u"v1"_s},
                                           {u"model_folder"_s, u"iris-v1"_s}, {u"replicas"_s, 1}, {u"public"_s, false}});
        QVERIFY2(created.status == 201 || created.status == 200, created.body.constData());
        const HttpResponse minted = call("POST", "/v1/services/private/tokens", {{u"scope"_s, u"inference"_s}});
        QVERIFY2(minted.status == 201 || minted.status == 200, minted.body.constData());
        const QJsonObject token = QJsonDocument::fromJson(minted.body).object();
        const QByteArray bearer = "Bearer " + token.value(u"token"_s).toString().toLatin1();
        // Accepted (no replica yet: 503, past the token check).
        QCOMPARE(proxyStatus(m_plane->proxyAddress(), "/private/predict", bearer), 503);

        const HttpResponse revoked =
            call("DELETE", "/v1/services/private/tokens/" + token.value(u"token_id"_s).toString().toLatin1(), {});
        QVERIFY2(revoked.status / 100 == 2, revoked.body.constData());
        const int status = proxyStatus(m_plane->proxyAddress(), "/private/predict", bearer);
        QVERIFY2(status == 401 || status == 403, QByteArray::number(status).constData());
    }

private:
    HttpResponse call(const QByteArray &method, const QByteArray &path, const QJsonObject &body)
    {
        HttpRequest request;
        request.method = method;
        request.path = path;
        request.headers.append({QByteArrayLiteral("Authorization"), "Bearer " + m_plane->adminToken()});
        request.headers.append({QByteArrayLiteral("Content-Type"), QByteArrayLiteral("application/json")});
        if (!body.isEmpty())
            request.body = QJsonDocument(body).toJson(QJsonDocument::Compact);
        request.peer = QHostAddress::LocalHost;
        return m_plane->api()->handle(request);
    }

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<ControlPlane> m_plane;
};

QTEST_GUILESS_MAIN(TestAnswerInEffect)
#include "test_answerineffect.moc"
