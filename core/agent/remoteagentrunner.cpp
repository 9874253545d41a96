#include "remoteagentrunner.h"

#include <algorithm>
#include <utility>

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QSslConfiguration>

#include "agent/agentadmission.h"
#include "agent/agentlog.h"
#include "agent/agentprotocol.h"
#include "agent/replicaprocess.h"
#include "auth/secretfile.h"

namespace ServeDeck {

namespace {

// Reconnect quickly after a blip, but do not hammer a plane that is down for longer.
constexpr int kFirstBackoffMs = 200;
constexpr int kMaxBackoffMs = 5000;
// The status report doubles as the heartbeat; well inside the plane's 3 s grace period.
constexpr int kStatusIntervalMs = 1000;
// The longest the first GPU reading is waited for before joining: nvidia-smi is killed at 2 s,
// but NVML's first initialization takes seconds per GPU where persistence mode is off.
constexpr int kFirstReadingWaitMs = 10000;

QString routeText(const QUuid &id)
{
    return id.toString(QUuid::WithoutBraces);
}

QByteArray sha256Of(const QSslCertificate &certificate)
{
    return certificate.isNull() ? QByteArray() : certificate.digest(QCryptographicHash::Sha256);
}

QString mismatch(const QByteArray &expected, const QByteArray &got)
{
    const auto hex = [](const QByteArray &digest) {
        return digest.isEmpty() ? QStringLiteral("none") : QString::fromLatin1(digest.toHex());
    };
    return QStringLiteral("certificate fingerprint mismatch: expected %1, got %2").arg(hex(expected), hex(got));
}

} // namespace

RemoteAgentRunner::RemoteAgentRunner(QUrl url, QByteArray token, QString agentId, QObject *parent)
    : QObject(parent)
    , m_url(std::move(url))
    , m_token(std::move(token))
    , m_agent(std::move(agentId))
    , m_relay([this](const QUuid &routeId) -> quint16 {
        const ReplicaProcess *replica = m_agent.replica(routeId);
        return replica ? replica->port() : 0;
    })
    , m_backoffMs(kFirstBackoffMs)
{
    m_planeUrls.append(m_url);
    wireRelay();
    m_reconnectTimer.setSingleShot(true);
    connect(&m_reconnectTimer, &QTimer::timeout, this, &RemoteAgentRunner::connectNow);
    m_statusTimer.setInterval(kStatusIntervalMs);
    connect(&m_statusTimer, &QTimer::timeout, this, &RemoteAgentRunner::sendStatus);

    connect(&m_socket, &QWebSocket::sslErrors, this, [this](const QList<QSslError> &errors) {
        // A self-signed certificate fails the usual checks (no CA, maybe another host name);
        // those are forgiven only when every one of them is about the pinned certificate.
        const auto other = std::find_if(errors.cbegin(), errors.cend(), [this](const QSslError &e) {
            return sha256Of(e.certificate()) != m_pinnedSha256;
        });
        if (m_pinnedSha256.isEmpty() || other != errors.cend())
            refuse(mismatch(m_pinnedSha256, other != errors.cend() ? sha256Of(other->certificate()) : QByteArray()));
        else
            m_socket.ignoreSslErrors();
    });
    connect(&m_socket, &QWebSocket::connected, this, [this] {
        // Checked again on the finished handshake: a peer that raised no TLS error at all (a
        // certificate some CA vouches for) must still be the pinned one.
        if (!acceptPeer())
            return;
        m_welcomed = false;
        loadCredential();
        QJsonArray running;
        const AgentStatus status = m_agent.status();
        for (const ReplicaStatus &r : status.replicas)
            running.append(routeText(r.routeId));
        QJsonObject hello{{QStringLiteral("agent_id"), m_agent.agentId()},
                          {QStringLiteral("capacity"), status.capacity.total.toJson()},
                          {QStringLiteral("gpus"), AgentProtocol::toJson(status.gpus)},
                          {QStringLiteral("running"), running}};
        // Its own credential once it has one: the join token is for joining the first time only.
        if (!m_credential.isEmpty())
            hello.insert(QStringLiteral("credential"), QString::fromLatin1(m_credential));
        else
            hello.insert(QStringLiteral("token"), QString::fromUtf8(m_token));
        send(AgentProtocol::message(QStringLiteral("hello"), hello));
    });
    connect(&m_socket, &QWebSocket::disconnected, this, [this] {
        m_welcomed = false;
        m_statusTimer.stop();
        scheduleReconnect();
    });
    connect(&m_socket, qOverload<QAbstractSocket::SocketError>(&QWebSocket::error), this, [this](QAbstractSocket::SocketError) {
        // A refused or failed connect may end without "disconnected"; the timer guards doubles.
        if (m_socket.state() == QAbstractSocket::UnconnectedState)
            scheduleReconnect();
    });
    connect(&m_socket, &QWebSocket::textMessageReceived, this, &RemoteAgentRunner::onMessage);

    connect(&m_agent, &AgentConnector::replicaHealthy, this, [this](const QUuid &routeId) {
        send(AgentProtocol::message(QStringLiteral("healthy"), {{QStringLiteral("route_id"), routeText(routeId)}}));
    });
    connect(&m_agent, &AgentConnector::replicaUnhealthy, this,
            [this](const QUuid &routeId, const QString &reason, const QString &logTail) {
                send(AgentProtocol::message(QStringLiteral("unhealthy"), {{QStringLiteral("route_id"), routeText(routeId)},
                                                                          {QStringLiteral("reason"), reason},
                                                                          {QStringLiteral("log_tail"), logTail}}));
            });
    connect(&m_agent, &AgentConnector::replicaExited, this, [this](const QUuid &routeId, const ReplicaExit &exit) {
        QJsonObject fields = AgentProtocol::toJson(exit);
        fields.insert(QStringLiteral("route_id"), routeText(routeId));
        send(AgentProtocol::message(QStringLiteral("exited"), fields));
    });
}

RemoteAgentRunner::~RemoteAgentRunner()
{
    m_stopping = true;
    m_reconnectTimer.stop();
    m_statusTimer.stop();
    m_agent.stopAll(3000);
    // A close frame only where there is a connection to send it on (not after a refusal).
    if (m_socket.state() == QAbstractSocket::ConnectedState)
        m_socket.close();
    else
        m_socket.abort();
}

void RemoteAgentRunner::start()
{
    // The hello carries the GPUs and the capacity they make: join once the first reading is in
    // (at most one discovery timeout after start-up), so the plane does not see a GPU machine
    // without its GPUs for its first second.
    if (m_agent.gpuMonitor().latest().attempts > 0) {
        connectNow();
        return;
    }
    const auto joinOnce = [this] {
        if (!std::exchange(m_joinStarted, true))
            connectNow();
    };
    connect(&m_agent.gpuMonitor(), &GpuMonitor::readingUpdated, this, joinOnce, Qt::SingleShotConnection);
    // A driver call that never returns (NVML cannot be interrupted) must not keep the agent out:
    // it joins without GPUs then, and its status reports bring them once they are read.
    QTimer::singleShot(kFirstReadingWaitMs, this, joinOnce);
}

void RemoteAgentRunner::connectNow()
{
    if (m_stopping)
        return;
    if (m_url.scheme() == u"ws" && !m_insecure) {
        refuse(QStringLiteral("ws:// is neither encrypted nor authenticated; join with a join string (wss://)"), false);
        return;
    }
    if (m_url.scheme() == u"wss" && m_pinnedSha256.size() != 32) {
        refuse(QStringLiteral("no certificate fingerprint to pin; join with a join string"), false);
        return;
    }
    QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
    tls.setProtocol(QSsl::TlsV1_2OrLater);
    m_socket.setSslConfiguration(tls);
    // The plane is bounded like the agents it hears: no frame or message above 1 MiB.
    m_socket.setMaxAllowedIncomingFrameSize(AgentProtocol::kMaxFrameBytes);
    m_socket.setMaxAllowedIncomingMessageSize(AgentProtocol::kMaxFrameBytes);
    m_socket.open(m_url);
}

bool RemoteAgentRunner::acceptPeer()
{
    if (m_url.scheme() == u"ws" && m_insecure)
        return true;
    const QByteArray peer = sha256Of(m_socket.sslConfiguration().peerCertificate());
    if (!m_pinnedSha256.isEmpty() && peer == m_pinnedSha256)
        return true;
    refuse(mismatch(m_pinnedSha256, peer));
    return false;
}

void RemoteAgentRunner::refuse(const QString &reason, bool retry)
{
    m_socket.abort();
    Q_EMIT refused(reason);
    // abort() from inside a handshake may not report the socket as disconnected.
    if (retry)
        scheduleReconnect();
}

void RemoteAgentRunner::scheduleReconnect()
{
    if (m_stopping || m_reconnectTimer.isActive())
        return;
    if (std::exchange(m_followRedirect, false)) {
        // Where the plane said, at once; a plane whose consoles send the agent round in circles
        // gets the usual backoff after a few.
        if (m_redirectsInRow <= kMaxRedirectsInRow) {
            m_reconnectTimer.start(0);
            return;
        }
        qCWarning(lcAgent, "%d redirects in a row; backing off", m_redirectsInRow);
        m_redirectsInRow = 0;
    } else if (m_planeUrls.size() > 1) {
        // This console is gone or unreachable: the next of the plane's (a follower sends the
        // agent on to whoever leads now).
        const qsizetype at = m_planeUrls.indexOf(m_url);
        m_url = m_planeUrls.at((at + 1) % m_planeUrls.size());
    }
    m_reconnectTimer.start(m_backoffMs);
    m_backoffMs = std::min(m_backoffMs * 2, kMaxBackoffMs);
}

QUrl RemoteAgentRunner::urlOf(const QString &hostPort) const
{
    // The scheme of the join string's: a redirect never turns a wss:// agent into a ws:// one.
    // Built as the join string's is, so the same console's address compares equal.
    const qsizetype colon = hostPort.lastIndexOf(u':');
    QString host = hostPort.left(colon);
    if (host.startsWith(u'[') && host.endsWith(u']'))
        host = host.mid(1, host.size() - 2);
    QUrl url;
    url.setScheme(m_planeUrls.constFirst().scheme());
    url.setHost(host);
    url.setPort(hostPort.mid(colon + 1).toInt());
    return url;
}

void RemoteAgentRunner::onRedirect(const QJsonObject &message)
{
    const auto redirect = AgentProtocol::redirectFromJson(message);
    if (!redirect) {
        qCWarning(lcAgent, "ignored a malformed redirect");
        return;
    }
    // Kept bounded: the join string's address and what the latest redirect names.
    QList<QUrl> urls{m_planeUrls.constFirst()};
    for (const QString &node : redirect->nodes) {
        const QUrl url = urlOf(node);
        if (url.isValid() && !urls.contains(url))
            urls.append(url);
    }
    m_planeUrls = urls;
    QUrl next;
    if (!redirect->leader.isEmpty()) {
        next = urlOf(redirect->leader);
        if (!m_planeUrls.contains(next) && m_planeUrls.size() <= AgentProtocol::kMaxPlaneNodes)
            m_planeUrls.append(next);
    } else {
        // Nobody leads now: the next console, which may by then.
        next = m_planeUrls.at((m_planeUrls.indexOf(m_url) + 1) % m_planeUrls.size());
    }
    if (!next.isValid())
        return;
    m_url = next;
    m_followRedirect = true;
    ++m_redirectsInRow;
    qCInfo(lcAgent, "redirected to %s", qPrintable(m_url.toString()));
    Q_EMIT redirected(m_url);
    // The console closes the connection; the reconnect goes to m_url.
}

void RemoteAgentRunner::send(const QJsonObject &message)
{
    // While disconnected, events are dropped: the hello after reconnecting carries what runs.
    if (m_socket.state() == QAbstractSocket::ConnectedState)
        m_socket.sendTextMessage(AgentProtocol::encode(message));
}

void RemoteAgentRunner::sendStatus()
{
    send(AgentProtocol::message(QStringLiteral("status"), AgentProtocol::toJson(m_agent.status())));
}

QString RemoteAgentRunner::credentialFile() const
{
    // The id names the file: checked, so it cannot point outside the state dir.
    if (m_stateDir.isEmpty() || !AgentAdmission::isValidAgentId(m_agent.agentId()))
        return QString();
    return QDir(m_stateDir).filePath(m_agent.agentId() + QStringLiteral(".credential"));
}

void RemoteAgentRunner::loadCredential()
{
    const QString path = credentialFile();
    if (!m_credential.isEmpty() || path.isEmpty())
        return;
    QFile file(path);
    if (!file.exists())
        return;
    if (file.permissions() & (QFile::ReadGroup | QFile::WriteGroup | QFile::ReadOther | QFile::WriteOther))
        qCWarning(lcAgent, "%s is readable by others: make it mode 0600", qPrintable(path));
    if (!file.open(QIODevice::ReadOnly)) {
        qCWarning(lcAgent, "cannot read %s: %s", qPrintable(path), qPrintable(file.errorString()));
        return;
    }
    // A credential is 43 characters; the plane refuses anything else, so a little more is enough.
    m_credential = file.read(256).trimmed();
}

void RemoteAgentRunner::onWelcome(const QJsonObject &welcome)
{
    m_welcomed = true;
    const QByteArray issued = welcome.value(QStringLiteral("credential")).toString().toLatin1();
    if (issued.isEmpty() || !m_credential.isEmpty())
        return;
    if (!AgentAdmission::isWellFormedCredential(issued)) {
        qCWarning(lcAgent, "the plane's welcome carries no well-formed credential (%lld bytes); not kept",
                  qlonglong(issued.size()));
        return;
    }
    // Issued once, at the first join: kept, since the join token no longer lets this id in.
    m_credential = issued;
    const QString path = credentialFile();
    if (path.isEmpty())
        return;
    // Private from its first byte, in a directory made 0700: never readable by anyone else.
    Result<Done> written = SecretFile::makePrivateDir(QFileInfo(path).absolutePath());
    if (written)
        written = SecretFile::create(path, issued + '\n');
    if (written)
        qCInfo(lcAgent, "this agent's credential is kept in %s", qPrintable(path));
    else
        qCCritical(lcAgent, "%s; the credential is kept in memory only, so this agent cannot rejoin after a restart",
                   qPrintable(written.error().message));
}

void RemoteAgentRunner::wireRelay()
{
    // Replicas here listen on loopback only: the network never reaches them, the plane does
    // through the relay, over the authenticated channel.
    m_agent.setReplicaHost(QStringLiteral("127.0.0.1"));
    // The relay serves the channel only once the plane has welcomed it, and ends with it.
    connect(this, &RemoteAgentRunner::welcomed, this, [this] { m_relay.setChannel(&m_socket); });
    connect(&m_socket, &QWebSocket::disconnected, this, [this] { m_relay.setChannel(nullptr); });
}

void RemoteAgentRunner::onMessage(const QString &frame)
{
    const auto message = AgentProtocol::decode(frame);
    if (!message)
        return;
    const QString type = message->value(QStringLiteral("type")).toString();
    if (type == u"welcome") {
        onWelcome(*message);
        m_backoffMs = kFirstBackoffMs;
        m_redirectsInRow = 0;
        m_statusTimer.start();
        sendStatus();
        Q_EMIT welcomed();
    } else if (type == u"redirect" && !m_welcomed) {
        onRedirect(*message);
    } else if (type == u"rejected") {
        // A plane that refuses this agent owns nothing it runs: its replicas stop here too.
        const AgentStatus status = m_agent.status();
        for (const ReplicaStatus &r : status.replicas)
            m_agent.stop(r.routeId);
        Q_EMIT rejected(message->value(QStringLiteral("reason")).toString());
    } else if (!m_welcomed) {
        // Only a plane that has accepted this agent may tell it what to run.
        qCWarning(lcAgent, "ignored a '%s' frame that came before the plane's welcome", qPrintable(type.left(32)));
    } else if (type == u"start") {
        auto spec = AgentProtocol::specFromJson(message->value(QStringLiteral("spec")).toObject());
        if (!spec)
            return;
        for (const QString &root : std::as_const(m_modelRoots)) {
            const QString here = root + u'/' + QFileInfo(spec->workingDirectory).fileName();
            if (!QFileInfo(here).isDir())
                continue;
            // The start command and MODEL_PATH name files in the plane's copy of the folder.
            const QString there = spec->workingDirectory;
            const auto rebase = [&](QString &text) {
                if (text == there || text.startsWith(there + u'/'))
                    text.replace(0, there.size(), here);
            };
            for (QString &argument : spec->arguments)
                rebase(argument);
            for (QString &value : spec->environment)
                rebase(value);
            spec->workingDirectory = here;
            break;
        }
        const QString routeId = routeText(spec->routeId);
        auto replicaId = m_agent.start(*spec);
        if (replicaId)
            send(AgentProtocol::message(QStringLiteral("started"), {{QStringLiteral("route_id"), routeId},
                                                                    {QStringLiteral("replica_id"), *replicaId}}));
        else
            send(AgentProtocol::message(QStringLiteral("start_failed"), {{QStringLiteral("route_id"), routeId},
                                                                         {QStringLiteral("message"), replicaId.error().message}}));
    } else if (type == u"stop") {
        m_agent.stop(QUuid::fromString(message->value(QStringLiteral("route_id")).toString()));
    }
}

} // namespace ServeDeck
