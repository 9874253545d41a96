#pragma once

#include <QObject>
#include <QString>

class QLocalServer;

// One console window per data dir, as qBittorrent's and KeePassXC's single-instance managers
// do it: the running console listens on a local socket named after its data dir; a second one
// started on the same data dir asks it to come to the front and exits instead of starting a
// second control plane. The socket lives in a directory only this user can enter.
class SingleConsole final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SingleConsole)

public:
    explicit SingleConsole(const QString &dataDir, QObject *parent = nullptr);
    ~SingleConsole() override;

    // Asks a console already running on this data dir to raise its window; true once it has
    // acknowledged, false when none answers within the bounds below.
    bool raiseRunning() const;
    // Becomes the console that later ones ask; false (with why) when the socket cannot be made.
    bool listen(QString *why);

Q_SIGNALS:
    void raiseRequested();

private:
    QString m_socketPath;
    QLocalServer *m_server = nullptr;
};
