// The agent channel's security, in process: the join string's grammar, the certificate made once
// in the data dir, what is kept of the texts an agent sends, and a runner that pins the plane's
// certificate and refuses any other peer before it says a word.
#include <sys/stat.h>

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSignalSpy>
#include <QSslConfiguration>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <QWebSocket>
#include <QWebSocketServer>

#include "agent/agentcertificate.h"
#include "agent/agentgateway.h"
#include "agent/agentprotocol.h"
#include "agent/joinstring.h"
#include "agent/logtail.h"
#include "agent/remoteagentrunner.h"

using namespace ServeDeck;
using namespace Qt::StringLiterals;

namespace {

// Bounded waits: a loopback TLS join takes milliseconds; the rest is headroom for a loaded CI.
constexpr int kWaitMs = 15000;
const QByteArray kToken = QByteArray(64, 'a');
const QString kSha = QString(64, u'b');

int modeOf(const QString &path)
{
    struct stat info {};
    return ::stat(QFile::encodeName(path).constData(), &info) == 0 ? int(info.st_mode & 0777) : -1;
}

QString hex(const QByteArray &digest)
{
    return QString::fromLatin1(digest.toHex());
}

} // namespace

class TestAgentChannel final : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;

    AgentCertificate certificate(const QString &name)
    {
        auto made = AgentCertificate::loadOrCreate(m_dir.filePath(name), {u"127.0.0.1"_s});
        if (!made)
            qFatal("certificate %s: %s", qPrintable(name), qPrintable(made.error().message));
        return *made;
    }

    // A TLS gateway with @p tls's certificate that counts the agents it lets in.
    std::unique_ptr<AgentGateway> gateway(const AgentCertificate &tls, int *joined, quint16 port = 0)
    {
        auto g = std::make_unique<AgentGateway>(kToken);
        g->setTlsConfiguration(tls.serverConfiguration());
        if (!g->listen(QHostAddress::LocalHost, port))
            qWarning("gateway cannot listen on %d: %s", port, qPrintable(g->errorString()));
        connect(g.get(), &AgentGateway::agentJoined, this, [joined] { ++*joined; });
        return g;
    }

    std::unique_ptr<RemoteAgentRunner> runner(quint16 port, const QByteArray &pinned)
    {
        auto r = std::make_unique<RemoteAgentRunner>(QUrl(u"wss://127.0.0.1:%1"_s.arg(port)), kToken, u"agent-1"_s);
        r->setPinnedSha256(pinned);
        r->setCapacityOverride(*Capacity::parse(u"cpu=1,memory=1G"_s));
        return r;
    }

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void joinStringParses_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("host");
        QTest::addColumn<int>("port");
        const QString token = QString::fromLatin1(kToken);
        QTest::newRow("ipv4") << u"servedeck://127.0.0.1:7471?token=%1&sha256=%2"_s.arg(token, kSha) << u"127.0.0.1"_s << 7471;
        QTest::newRow("ipv6") << u"servedeck://[::1]:7471?token=%1&sha256=%2"_s.arg(token, kSha) << u"::1"_s << 7471;
        QTest::newRow("name, parts swapped, upper-case hex")
            << u"servedeck://gpu-box.lab:1?sha256=%2&token=%1"_s.arg(token, kSha.toUpper()) << u"gpu-box.lab"_s << 1;
        QTest::newRow("trailing slash and spaces") << u" servedeck://10.0.0.5:65535/?token=%1&sha256=%2\n"_s.arg(token, kSha)
                                                   << u"10.0.0.5"_s << 65535;
    }

    void joinStringParses()
    {
        QFETCH(QString, text);
        QFETCH(QString, host);
        QFETCH(int, port);
        const auto join = JoinString::parse(text);
        QVERIFY2(join, join ? "" : qPrintable(join.error().message));
        QCOMPARE(join->host(), host);
        QCOMPARE(int(join->port()), port);
        QCOMPARE(join->token(), kToken);
        QCOMPARE(join->sha256(), QByteArray::fromHex(kSha.toLatin1()));
        QCOMPARE(join->url().scheme(), u"wss"_s);
        QCOMPARE(join->url().host(), host);
        QCOMPARE(join->url().port(), port);
        // What it prints parses back to the same.
        const auto again = JoinString::parse(join->toString());
        QVERIFY(again);
        QCOMPARE(again->toString(), join->toString());
        QCOMPARE(again->host(), host);
    }

    void joinStringRefuses_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("part");  // what the error must name
        const QString token = QString::fromLatin1(kToken);
        const auto with = [](const QString &rest) -> QString { return u"servedeck://127.0.0.1:7471?"_s + rest; };
        const QString good = u"token=%1&sha256=%2"_s.arg(token, kSha);
        QTest::newRow("empty") << QString() << u"not a URL"_s;
        QTest::newRow("other scheme") << QString(u"wss://127.0.0.1:7471?"_s + good) << u"scheme"_s;
        QTest::newRow("plain words") << u"join me"_s << u"not a URL"_s;
        QTest::newRow("a word") << u"join"_s << u"scheme"_s;
        QTest::newRow("no port") << QString(u"servedeck://127.0.0.1?"_s + good) << u"port"_s;
        QTest::newRow("port 0") << QString(u"servedeck://127.0.0.1:0?"_s + good) << u"port"_s;
        QTest::newRow("no host") << QString(u"servedeck://:7471?"_s + good) << u"host"_s;
        QTest::newRow("user info") << QString(u"servedeck://me:pw@127.0.0.1:7471?"_s + good) << u"user name"_s;
        QTest::newRow("fragment") << QString(with(good) + u"#x"_s) << u"fragment"_s;
        QTest::newRow("path") << QString(u"servedeck://127.0.0.1:7471/agents?"_s + good) << u"path"_s;
        QTest::newRow("no token") << with(u"sha256="_s + kSha) << u"token is missing"_s;
        QTest::newRow("no fingerprint") << with(u"token="_s + token) << u"sha256 fingerprint is missing"_s;
        QTest::newRow("short fingerprint") << with(u"token=%1&sha256=%2"_s.arg(token, kSha.left(63))) << u"64 hex digits"_s;
        QTest::newRow("long fingerprint") << with(u"token=%1&sha256=%2"_s.arg(token, kSha + u'b')) << u"64 hex digits"_s;
        QTest::newRow("non-hex fingerprint") << with(u"token=%1&sha256=%2"_s.arg(token, kSha.left(63) + u'g'))
                                             << u"64 hex digits"_s;
        QTest::newRow("token twice") << with(good + u"&token="_s + token) << u"token must be given once"_s;
        QTest::newRow("empty token") << with(u"token=&sha256="_s + kSha) << u"token must be given once"_s;
        QTest::newRow("unknown part") << with(good + u"&insecure=1"_s) << u"unknown part 'insecure'"_s;
        QTest::newRow("short token") << with(u"token=abc&sha256="_s + kSha) << u"16 to 512"_s;
        QTest::newRow("token with CR LF") << with(u"token=%1%0D%0A&sha256=%2"_s.arg(token, kSha)) << u"not a URL"_s;
        QTest::newRow("token with escapes") << with(u"token=%1%2B%3C&sha256=%2"_s.arg(token, kSha)) << u"may hold only"_s;
        QTest::newRow("huge") << with(good + u"&x="_s + QString(4000, u'x')) << u"longer than"_s;
    }

    void joinStringRefuses()
    {
        QFETCH(QString, text);
        QFETCH(QString, part);
        const auto join = JoinString::parse(text);
        QVERIFY(!join);
        QCOMPARE(join.error().type, ErrorType::InvalidArgument);
        QVERIFY2(join.error().message.contains(part), qPrintable(join.error().message));
        // The error names the part, never the secret.
        QVERIFY2(!join.error().message.contains(QString::fromLatin1(kToken)), qPrintable(join.error().message));
    }

    void joinStringIsMadeOnlyFromGoodParts()
    {
        const QByteArray sha(32, '\x01');
        QVERIFY(JoinString::make(u"127.0.0.1"_s, 7471, kToken, sha));
        QVERIFY(!JoinString::make(QString(), 7471, kToken, sha));
        QVERIFY(!JoinString::make(u"127.0.0.1"_s, 0, kToken, sha));
        QVERIFY(!JoinString::make(u"127.0.0.1"_s, 7471, "short", sha));
        QVERIFY(!JoinString::make(u"127.0.0.1"_s, 7471, kToken + "&sha256=", sha));
        QVERIFY(!JoinString::make(u"127.0.0.1"_s, 7471, kToken, sha.left(31)));
    }

    // Made once, the key at 0600 from its creation and the certificate readable (0644) whatever
    // the umask; the second start reads the same back, so pinned fingerprints stay true.
    void certificateIsMadeOnce()
    {
        const QString dir = m_dir.filePath(u"once"_s);
        const mode_t oldMask = ::umask(077);
        auto first = AgentCertificate::loadOrCreate(dir, {u"127.0.0.2"_s, u"gpu-box.lab"_s, u"bad,DNS:evil"_s});
        ::umask(oldMask);
        QVERIFY2(first, first ? "" : qPrintable(first.error().message));
        QCOMPARE(modeOf(AgentCertificate::keyPath(dir)), 0600);
        QCOMPARE(modeOf(AgentCertificate::certificatePath(dir)), 0644);
        QCOMPARE(first->sha256().size(), 32);
        const QSslCertificate cert = first->certificate();
        QCOMPARE(cert.subjectInfo(QSslCertificate::CommonName), QStringList{u"servedeck"_s});
        const auto names = cert.subjectAlternativeNames();
        QVERIFY(names.values(QSsl::IpAddressEntry).contains(u"127.0.0.2"_s));
        QCOMPARE(names.values(QSsl::DnsEntry), QStringList{u"gpu-box.lab"_s});  // nothing smuggled in
        QVERIFY(cert.expiryDate() > QDateTime::currentDateTimeUtc().addYears(5));
        QVERIFY(!first->serverConfiguration().privateKey().isNull());

        QFile keyFile(AgentCertificate::keyPath(dir));
        QVERIFY(keyFile.open(QIODevice::ReadOnly));
        const QByteArray key = keyFile.readAll();
        keyFile.close();
        QVERIFY(key.startsWith("-----BEGIN PRIVATE KEY-----"));
        auto second = AgentCertificate::loadOrCreate(dir, {u"10.9.9.9"_s});
        QVERIFY(second);
        QCOMPARE(hex(second->sha256()), hex(first->sha256()));

        // A start cut short before the certificate was written: a new one from the same key.
        QVERIFY(QFile::remove(AgentCertificate::certificatePath(dir)));
        auto third = AgentCertificate::loadOrCreate(dir, {u"127.0.0.2"_s});
        QVERIFY2(third, third ? "" : qPrintable(third.error().message));
        QVERIFY(keyFile.open(QIODevice::ReadOnly));
        QCOMPARE(keyFile.readAll(), key);
        QCOMPARE(third->certificate().publicKey(), first->certificate().publicKey());
    }

    void certificateRefusesWhatItCannotTrust()
    {
        const QString dir = m_dir.filePath(u"refuse"_s);
        QVERIFY(AgentCertificate::loadOrCreate(dir, {u"127.0.0.1"_s}));
        const QString key = AgentCertificate::keyPath(dir);

        QVERIFY(QFile::setPermissions(key, QFile::ReadOwner | QFile::WriteOwner | QFile::ReadGroup | QFile::ReadOther));
        auto broad = AgentCertificate::loadOrCreate(dir, {});
        QVERIFY(!broad);
        QCOMPARE(broad.error().type, ErrorType::InvalidArgument);
        QVERIFY2(broad.error().message.contains(u"broader than 0600"_s), qPrintable(broad.error().message));
        QVERIFY(QFile::setPermissions(key, QFile::ReadOwner | QFile::WriteOwner));

        // Someone else's certificate beside our key.
        const QString other = m_dir.filePath(u"other"_s);
        QVERIFY(AgentCertificate::loadOrCreate(other, {u"127.0.0.1"_s}));
        QVERIFY(QFile::remove(AgentCertificate::certificatePath(dir)));
        QVERIFY(QFile::copy(AgentCertificate::certificatePath(other), AgentCertificate::certificatePath(dir)));
        auto foreign = AgentCertificate::loadOrCreate(dir, {});
        QVERIFY(!foreign);
        QCOMPARE(foreign.error().type, ErrorType::InvalidArgument);
        QVERIFY2(foreign.error().message.contains(u"is not the certificate of"_s), qPrintable(foreign.error().message));

        QFile garbage(key);
        QVERIFY(garbage.open(QIODevice::WriteOnly | QIODevice::Truncate));
        garbage.write("not a key\n");
        garbage.close();
        auto unreadable = AgentCertificate::loadOrCreate(dir, {});
        QVERIFY(!unreadable);
        QVERIFY2(unreadable.error().message.contains(u"no PEM private key"_s), qPrintable(unreadable.error().message));
    }

    // What an agent says is kept within the local tail's bounds: the end of a log, never all of it.
    void agentTextsAreCutOnReceipt()
    {
        QStringList lines;
        for (int i = 0; i < 1000; ++i)
            lines << u"line %1"_s.arg(i);
        const QString huge(2 * LogTail::kMaxBytes, u'x');
        const QString longId(5000, u'i');
        const QJsonObject unhealthy{{u"type"_s, u"unhealthy"_s},
                                    {u"route_id"_s, longId},
                                    {u"reason"_s, QString(huge + u"END"_s)},
                                    {u"log_tail"_s, QString(lines.join(u'\n') + u'\n')}};
        const auto decoded = AgentProtocol::decode(AgentProtocol::encode(unhealthy));
        QVERIFY(decoded);
        const QStringList tail = decoded->value(u"log_tail"_s).toString().split(u'\n', Qt::SkipEmptyParts);
        QCOMPARE(tail.size(), LogTail::kMaxLines);
        QCOMPARE(tail.first(), u"line 800"_s);
        QCOMPARE(tail.last(), u"line 999"_s);
        const QString reason = decoded->value(u"reason"_s).toString();
        QCOMPARE(reason.size(), LogTail::kMaxBytes);
        QVERIFY(reason.endsWith(u"END"_s));
        QCOMPARE(decoded->value(u"route_id"_s).toString().size(), AgentProtocol::kMaxShortText);
        // Short texts pass as they are.
        const auto small = AgentProtocol::decode(AgentProtocol::encode({{u"type"_s, u"start_failed"_s}, {u"message"_s, u"no such file"_s}}));
        QVERIFY(small);
        QCOMPARE(small->value(u"message"_s).toString(), u"no such file"_s);

        const ReplicaExit exit = AgentProtocol::exitFromJson(
            {{u"message"_s, huge}, {u"log_tail"_s, lines.join(u'\n')}, {u"error_kind"_s, longId}});
        QCOMPARE(exit.message.size(), LogTail::kMaxBytes);
        QCOMPARE(exit.logTail.split(u'\n').size(), LogTail::kMaxLines);
        QCOMPARE(exit.errorKind->size(), AgentProtocol::kMaxShortText);

        const AgentStatus status = AgentProtocol::statusFromJson(
            {{u"agent_id"_s, longId},
             {u"gpus"_s, QJsonArray{QJsonObject{{u"name"_s, longId}, {u"uuid"_s, longId}}}},
             {u"replicas"_s, QJsonArray{QJsonObject{{u"state"_s, longId}}}}});
        QCOMPARE(status.agentId.size(), AgentProtocol::kMaxShortText);
        QCOMPARE(status.gpus.first().name.size(), AgentProtocol::kMaxShortText);
        QCOMPARE(status.gpus.first().uuid.size(), AgentProtocol::kMaxShortText);
        QCOMPARE(status.replicas.first().state.size(), AgentProtocol::kMaxShortText);
    }

    // A remote agent is told a runtime's extra ports (Triton's gRPC and metrics) and reports how
    // long a replica has been starting; a hostile value is not taken as it came.
    void startingTimeAndExtraPortsCrossTheWire()
    {
        ReplicaSpec spec;
        spec.routeId = QUuid::createUuid();
        spec.program = u"tritonserver"_s;
        spec.extraPorts = {u"GRPC_PORT"_s, u"METRICS_PORT"_s};
        const auto decodedSpec = AgentProtocol::specFromJson(AgentProtocol::toJson(spec));
        QVERIFY(decodedSpec);
        QCOMPARE(decodedSpec->extraPorts, spec.extraPorts);

        AgentStatus status;
        status.agentId = u"gpu-box"_s;
        ReplicaStatus loading;
        loading.routeId = spec.routeId;
        loading.startingForMs = 80000;
        loading.loading = true;
        ReplicaStatus ready;
        ready.routeId = QUuid::createUuid();
        status.replicas = {loading, ready};
        const AgentStatus decoded = AgentProtocol::statusFromJson(AgentProtocol::toJson(status));
        QCOMPARE(decoded.replicas.size(), 2);
        QCOMPARE(decoded.replicas.at(0).startingForMs, qint64(80000));
        QVERIFY(decoded.replicas.at(0).loading);
        QCOMPARE(decoded.replicas.at(1).startingForMs, qint64(-1));
        QVERIFY(!decoded.replicas.at(1).loading);
        // Extra ports are the remote machine's: the plane reaches only what the relay carries.
        QVERIFY(decoded.replicas.at(0).extraPorts.isEmpty());

        const AgentStatus hostile = AgentProtocol::statusFromJson(
            {{u"replicas"_s, QJsonArray{QJsonObject{{u"starting_for_ms"_s, -5000}}, QJsonObject{{u"starting_for_ms"_s, u"soon"_s}}}}});
        QCOMPARE(hostile.replicas.at(0).startingForMs, qint64(-1));
        QCOMPARE(hostile.replicas.at(1).startingForMs, qint64(-1));
    }

    void boundedTailKeepsTheEnd_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("expected");
        QStringList lines;
        for (int i = 0; i < LogTail::kMaxLines + 1; ++i)
            lines << QString::number(i);
        const QString all = lines.join(u'\n');
        const QString allButFirst = lines.mid(1).join(u'\n');
        const QString emoji = QString::fromUtf8("\xF0\x9F\x98\x80");  // two UTF-16 units
        QString emojis;
        for (int i = 0; i < LogTail::kMaxBytes; ++i)
            emojis += emoji;
        QTest::newRow("empty") << QString() << QString();
        QTest::newRow("one line") << u"a\n"_s << u"a\n"_s;
        QTest::newRow("exactly the line limit") << allButFirst << allButFirst;
        QTest::newRow("one line over") << all << allButFirst;
        QTest::newRow("one line over, newline-ended") << QString(all + u'\n') << QString(allButFirst + u'\n');
        QTest::newRow("only newlines") << QString(300, u'\n') << QString(LogTail::kMaxLines, u'\n');
        QTest::newRow("cut on a character's second half") << QString(emojis + u'x')
                                                           << QString(emojis.right(LogTail::kMaxBytes - 2) + u'x');
    }

    void boundedTailKeepsTheEnd()
    {
        QFETCH(QString, text);
        QFETCH(QString, expected);
        QCOMPARE(AgentProtocol::boundedTail(text), expected);
    }

    void gatewayNeedsACertificate()
    {
        AgentGateway plain(kToken);
        QVERIFY(!plain.listen(QHostAddress::LocalHost, 0));
        QVERIFY2(plain.errorString().contains(u"no TLS certificate"_s), qPrintable(plain.errorString()));
    }

    void runnerJoinsThePinnedPlane()
    {
        const AgentCertificate a = certificate(u"a"_s);
        int joined = 0;
        auto g = gateway(a, &joined);
        QVERIFY(g->port() != 0);
        auto r = runner(g->port(), a.sha256());
        QSignalSpy refused(r.get(), &RemoteAgentRunner::refused);
        QSignalSpy welcomed(r.get(), &RemoteAgentRunner::welcomed);
        r->start();
        QVERIFY(welcomed.wait(kWaitMs));
        QCOMPARE(joined, 1);
        QCOMPARE(refused.size(), 0);
    }

    // The hello carries the join token: a peer with another certificate never gets it. The
    // gateway here knows the token, so a hello would have let the agent in.
    void runnerRefusesAnotherCertificate()
    {
        const AgentCertificate a = certificate(u"a"_s);
        const AgentCertificate b = certificate(u"b"_s);
        QVERIFY(a.sha256() != b.sha256());
        int joined = 0;
        auto g = gateway(a, &joined);
        auto r = runner(g->port(), b.sha256());
        QSignalSpy refused(r.get(), &RemoteAgentRunner::refused);
        r->start();
        QTRY_VERIFY_WITH_TIMEOUT(refused.size() >= 2, kWaitMs);  // and it keeps trying
        QCOMPARE(refused.first().first().toString(),
                 u"certificate fingerprint mismatch: expected %1, got %2"_s.arg(hex(b.sha256()), hex(a.sha256())));
        QCOMPARE(joined, 0);
        QVERIFY(g->agents().isEmpty());
    }

    // Joined once, then the plane's address is taken over by another certificate: the agent's
    // reconnect refuses it too (an accepted certificate is not remembered as "any").
    void runnerRefusesAnImpostorAfterJoining()
    {
        const AgentCertificate a = certificate(u"a"_s);
        const AgentCertificate b = certificate(u"b"_s);
        int joinedA = 0;
        auto first = gateway(a, &joinedA);
        const quint16 port = first->port();
        auto r = runner(port, a.sha256());
        QSignalSpy refused(r.get(), &RemoteAgentRunner::refused);
        QSignalSpy welcomed(r.get(), &RemoteAgentRunner::welcomed);
        r->start();
        QVERIFY(welcomed.wait(kWaitMs));
        first.reset();

        int joinedB = 0;
        auto impostor = gateway(b, &joinedB, port);
        QCOMPARE(impostor->port(), port);
        QTRY_VERIFY_WITH_TIMEOUT(refused.size() >= 2, kWaitMs);
        QCOMPARE(refused.first().first().toString(),
                 u"certificate fingerprint mismatch: expected %1, got %2"_s.arg(hex(a.sha256()), hex(b.sha256())));
        QCOMPARE(joinedB, 0);
        QCOMPARE(welcomed.size(), 1);
    }

    // A certificate the machine's CAs vouch for raises no TLS error at all; it must still be
    // the pinned one.
    void runnerRefusesATrustedImpostor()
    {
        const AgentCertificate a = certificate(u"a"_s);
        const AgentCertificate b = certificate(u"b"_s);
        const QSslConfiguration saved = QSslConfiguration::defaultConfiguration();
        auto restore = qScopeGuard([&] { QSslConfiguration::setDefaultConfiguration(saved); });
        QSslConfiguration trusting = saved;
        trusting.setCaCertificates({b.certificate()});
        QSslConfiguration::setDefaultConfiguration(trusting);

        int joined = 0;
        auto impostor = gateway(b, &joined);
        auto r = runner(impostor->port(), a.sha256());
        QSignalSpy refused(r.get(), &RemoteAgentRunner::refused);
        r->start();
        QTRY_VERIFY_WITH_TIMEOUT(refused.size() >= 2, kWaitMs);
        QCOMPARE(refused.first().first().toString(),
                 u"certificate fingerprint mismatch: expected %1, got %2"_s.arg(hex(a.sha256()), hex(b.sha256())));
        QCOMPARE(joined, 0);
    }

    // Plain ws:// happens only when both ends are told so.
    void insecureOnlyWhenAsked()
    {
        int joined = 0;
        AgentGateway plain(kToken);
        plain.setInsecure(true);
        QVERIFY(plain.listen(QHostAddress::LocalHost, 0));
        connect(&plain, &AgentGateway::agentJoined, this, [&joined] { ++joined; });
        const QUrl url(u"ws://127.0.0.1:%1"_s.arg(plain.port()));

        RemoteAgentRunner unasked(url, kToken, u"agent-1"_s);
        QSignalSpy refused(&unasked, &RemoteAgentRunner::refused);
        unasked.setCapacityOverride(*Capacity::parse(u"cpu=1,memory=1G"_s));
        unasked.start();
        // It may refuse within start() itself: counted, not waited for.
        QTRY_COMPARE_WITH_TIMEOUT(refused.size(), 1, kWaitMs);
        QVERIFY2(refused.first().first().toString().contains(u"ws:// is neither encrypted nor authenticated"_s),
                 qPrintable(refused.first().first().toString()));

        auto unpinned = runner(plain.port(), QByteArray());
        QSignalSpy unpinnedRefused(unpinned.get(), &RemoteAgentRunner::refused);
        unpinned->start();
        QTRY_COMPARE_WITH_TIMEOUT(unpinnedRefused.size(), 1, kWaitMs);
        QVERIFY2(unpinnedRefused.first().first().toString().contains(u"no certificate fingerprint"_s),
                 qPrintable(unpinnedRefused.first().first().toString()));

        RemoteAgentRunner asked(url, kToken, u"agent-2"_s);
        asked.setInsecure(true);
        asked.setCapacityOverride(*Capacity::parse(u"cpu=1,memory=1G"_s));
        QSignalSpy welcomed(&asked, &RemoteAgentRunner::welcomed);
        asked.start();
        QVERIFY(welcomed.wait(kWaitMs));
        QCOMPARE(joined, 1);  // agent-2 only
        QCOMPARE(refused.size(), 1);  // not retried: no retry mends a ws:// URL
    }

    // A socket that never says hello is dropped at the gateway's deadline, whether it stops
    // after the TCP connect (before TLS) or after the WebSocket handshake. The bound is under
    // Qt's own 10 s handshake timeout, so the gateway's 5 s is what is seen.
    void silentSocketIsDropped_data()
    {
        QTest::addColumn<bool>("afterHandshake");
        QTest::newRow("silent after the TCP connect") << false;
        QTest::newRow("silent after the WebSocket handshake") << true;
    }

    void silentSocketIsDropped()
    {
        QFETCH(bool, afterHandshake);
        constexpr int kBoundMs = AgentGateway::kHelloTimeoutMs + 4000;
        const AgentCertificate a = certificate(u"a"_s);
        int joined = 0;
        auto g = gateway(a, &joined);
        if (!afterHandshake) {
            QTcpSocket silent;
            QSignalSpy connected(&silent, &QTcpSocket::connected);
            QSignalSpy disconnected(&silent, &QTcpSocket::disconnected);
            silent.connectToHost(QHostAddress::LocalHost, g->port());
            QVERIFY(connected.wait(kWaitMs));
            QVERIFY(disconnected.wait(kBoundMs));
            return;
        }
        QWebSocket silent;
        connect(&silent, &QWebSocket::sslErrors, &silent, [&silent] { silent.ignoreSslErrors(); });
        QSignalSpy connected(&silent, &QWebSocket::connected);
        QSignalSpy disconnected(&silent, &QWebSocket::disconnected);
        silent.open(QUrl(u"wss://127.0.0.1:%1"_s.arg(g->port())));
        QVERIFY(connected.wait(kWaitMs));
        QVERIFY(disconnected.wait(kBoundMs));
        QCOMPARE(joined, 0);
    }

    // The agent end is bounded too: a plane (or whoever holds its key) sending a frame above
    // 1 MiB is cut off rather than buffered.
    void runnerRefusesAHugeFrame()
    {
        const AgentCertificate a = certificate(u"a"_s);
        QWebSocketServer rogue(u"rogue"_s, QWebSocketServer::SecureMode);
        rogue.setSslConfiguration(a.serverConfiguration());
        QVERIFY(rogue.listen(QHostAddress::LocalHost, 0));
        QPointer<QWebSocket> peer;
        QSignalSpy peerGone(&rogue, &QWebSocketServer::closed);
        bool peerDisconnected = false;
        connect(&rogue, &QWebSocketServer::newConnection, this, [&] {
            peer = rogue.nextPendingConnection();
            peer->setParent(&rogue);  // unparented as it comes: it goes with the server
            connect(peer, &QWebSocket::disconnected, this, [&] { peerDisconnected = true; });
            connect(peer, &QWebSocket::textMessageReceived, this, [&](const QString &frame) {
                if (frame.contains(u"\"hello\""_s))
                    peer->sendTextMessage(QString(2 * int(AgentProtocol::kMaxFrameBytes), u'x'));
            });
        });
        auto r = runner(rogue.serverPort(), a.sha256());
        r->start();
        QTRY_VERIFY_WITH_TIMEOUT(peerDisconnected, kWaitMs);
    }
};

QTEST_GUILESS_MAIN(TestAgentChannel)
#include "test_agentchannel.moc"
