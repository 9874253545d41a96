#pragma once

#include <QObject>
#include <QSet>
#include <QStringList>
#include <QTimer>

#include "domain/result.h"
#include "store/storelocation.h"

namespace ServeDeck {

// What other consoles changed in a shared PostgreSQL store, as it commits: the tables' triggers
// (ChangeTriggers) notify, and a dedicated connection LISTENs. A burst is one changed() per
// debounce period. When the connection is lost (the server restarted) it reconnects with a
// bounded backoff, then reports every table: what changed while away was not heard.
// On SQLite there is nobody else: start() succeeds and nothing is ever emitted.
// Lives on the thread that calls start() (the control thread); needs its event loop.
class ChangeFeed final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ChangeFeed)

public:
    struct Options
    {
        QStringList tables;         // empty: ChangeTriggers::sharedTables()
        bool installTriggers = true;
        int debounceMs = 100;       // a burst of writes reloads once
        int pingIntervalMs = 1000;  // how soon a lost connection is noticed
        int minBackoffMs = 500;
        int maxBackoffMs = 5000;
    };

    explicit ChangeFeed(const StoreLocation &location, QObject *parent = nullptr);
    ChangeFeed(const StoreLocation &location, const Options &options, QObject *parent = nullptr);
    ~ChangeFeed() override;

    // Installs the triggers (after the migrations) and starts listening; an error if either fails.
    Result<Done> start();
    bool isListening() const { return m_listening; }
    QStringList tables() const { return m_options.tables; }

Q_SIGNALS:
    void changed(const QSet<QString> &tables);
    void connectionLost(const QString &error);
    void reconnected();

private:
    Result<Done> connectListener(bool install);
    void disconnectListener();
    void noted(const QString &name, const QVariant &payload);
    void ping();
    void lost(const QString &error);
    void retry();
    void emitPending();

    StoreLocation m_location;
    Options m_options;
    QString m_connectionName;
    bool m_listening = false;
    QSet<QString> m_pending;
    QTimer m_debounce;
    QTimer m_ping;
    QTimer m_retry;
    int m_backoffMs = 0;
};

} // namespace ServeDeck
