#include "singleconsole.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QLocalServer>
#include <QLocalSocket>

namespace {

// The running console answers at once; these only bound a console that hangs.
constexpr int kConnectMs = 1000;
constexpr int kAnswerMs = 3000;
constexpr qsizetype kMaxRequest = 64;

const QByteArray kRaise = QByteArrayLiteral("raise\n");
const QByteArray kRaised = QByteArrayLiteral("raised\n");

// A Unix socket path must fit in sun_path (108 bytes): in the per-user runtime dir where there
// is one, else in the data dir itself (0700) while the path is short enough.
QString socketPathFor(const QString &dataDir)
{
    const QFileInfo info(dataDir);
    const QString canonical = info.canonicalFilePath().isEmpty() ? QDir::cleanPath(info.absoluteFilePath())
                                                                 : info.canonicalFilePath();
    const QString name = QStringLiteral("servedeck-console-")
        + QString::fromLatin1(QCryptographicHash::hash(QFile::encodeName(canonical), QCryptographicHash::Sha256)
                                  .toHex()
                                  .left(24))
        + QStringLiteral(".sock");
    const QString runtimeDir = qEnvironmentVariable("XDG_RUNTIME_DIR");
    if (!runtimeDir.isEmpty() && QFileInfo(runtimeDir).isDir())
        return QDir(runtimeDir).filePath(name);
    const QString inDataDir = QDir(canonical).filePath(QStringLiteral("console.sock"));
    return QFile::encodeName(inDataDir).size() < 100 ? inDataDir : QDir(canonical).filePath(name.left(40));
}

} // namespace

SingleConsole::SingleConsole(const QString &dataDir, QObject *parent)
    : QObject(parent)
    , m_socketPath(socketPathFor(dataDir))
{
}

SingleConsole::~SingleConsole() = default;

bool SingleConsole::raiseRunning() const
{
    QLocalSocket socket;
    socket.connectToServer(m_socketPath);
    if (!socket.waitForConnected(kConnectMs))
        return false;
    socket.write(kRaise);
    if (!socket.waitForBytesWritten(kAnswerMs))
        return false;
    while (socket.bytesAvailable() < kRaised.size() && socket.waitForReadyRead(kAnswerMs)) {
    }
    return socket.read(kRaised.size()) == kRaised;
}

bool SingleConsole::listen(QString *why)
{
    m_server = new QLocalServer(this);
    m_server->setSocketOptions(QLocalServer::UserAccessOption);
    // Left by a console that died: the data dir lock (held by now) says no other one lives.
    QLocalServer::removeServer(m_socketPath);
    if (!m_server->listen(m_socketPath)) {
        *why = m_server->errorString();
        return false;
    }
    connect(m_server, &QLocalServer::newConnection, this, [this] {
        while (QLocalSocket *socket = m_server->nextPendingConnection()) {
            connect(socket, &QLocalSocket::disconnected, socket, &QObject::deleteLater);
            connect(socket, &QLocalSocket::readyRead, this, [this, socket] {
                // One short line is all a peer may send; anything else ends the conversation.
                if (!socket->canReadLine()) {
                    if (socket->bytesAvailable() > kMaxRequest)
                        socket->abort();
                    return;
                }
                const QByteArray line = socket->readLine(kMaxRequest);
                if (line == kRaise) {
                    Q_EMIT raiseRequested();
                    socket->write(kRaised);
                }
                socket->disconnectFromServer();
            });
        }
    });
    return true;
}
