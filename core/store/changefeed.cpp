#include "store/changefeed.h"

#include <QSqlDatabase>
#include <QSqlDriver>
#include <QSqlError>
#include <QSqlQuery>
#include <QUuid>

#include "store/changetriggers.h"
#include "store/storelog.h"

namespace ServeDeck {

ChangeFeed::ChangeFeed(const StoreLocation &location, QObject *parent)
    : ChangeFeed(location, Options{}, parent)
{
}

ChangeFeed::ChangeFeed(const StoreLocation &location, const Options &options, QObject *parent)
    : QObject(parent)
    , m_location(location)
    , m_options(options)
    , m_connectionName(QStringLiteral("changefeed-") + QUuid::createUuid().toString(QUuid::Id128))
{
    if (m_options.tables.isEmpty())
        m_options.tables = ChangeTriggers::sharedTables();
    m_options.debounceMs = qBound(0, m_options.debounceMs, 10000);
    m_options.pingIntervalMs = qBound(50, m_options.pingIntervalMs, 60000);
    m_options.minBackoffMs = qBound(10, m_options.minBackoffMs, 60000);
    m_options.maxBackoffMs = qBound(m_options.minBackoffMs, m_options.maxBackoffMs, 300000);
    m_debounce.setSingleShot(true);
    m_debounce.setInterval(m_options.debounceMs);
    connect(&m_debounce, &QTimer::timeout, this, &ChangeFeed::emitPending);
    m_ping.setInterval(m_options.pingIntervalMs);
    connect(&m_ping, &QTimer::timeout, this, &ChangeFeed::ping);
    m_retry.setSingleShot(true);
    connect(&m_retry, &QTimer::timeout, this, &ChangeFeed::retry);
}

ChangeFeed::~ChangeFeed()
{
    disconnectListener();
}

Result<Done> ChangeFeed::start()
{
    if (!m_location.isPostgres())
        return Done{};
    if (m_listening || m_retry.isActive())
        return makeError(ErrorType::InvalidArgument, QStringLiteral("the change feed has started already"));
    return connectListener(m_options.installTriggers);
}

Result<Done> ChangeFeed::connectListener(bool install)
{
    if (auto opened = m_location.openConnection(m_connectionName); !opened)
        return opened.error();
    // Scoped: the connection is removed on an error, with no handle on it left.
    auto listen = [&]() -> Result<Done> {
        QSqlDatabase db = QSqlDatabase::database(m_connectionName, false);
        if (install) {
            if (auto installed = ChangeTriggers::install(db, m_options.tables); !installed)
                return installed.error();
        }
        if (!db.driver()->subscribeToNotification(ChangeTriggers::channel()))
            return makeError(ErrorType::StorageError,
                             QStringLiteral("cannot LISTEN for changes: %1").arg(db.driver()->lastError().text()));
        connect(db.driver(), &QSqlDriver::notification, this,
                [this](const QString &name, QSqlDriver::NotificationSource, const QVariant &payload) {
                    noted(name, payload);
                });
        return Done{};
    };
    if (auto listening = listen(); !listening) {
        disconnectListener();
        return listening.error();
    }
    m_listening = true;
    m_backoffMs = 0;
    m_ping.start();
    return Done{};
}

void ChangeFeed::disconnectListener()
{
    m_ping.stop();
    m_listening = false;
    if (!QSqlDatabase::contains(m_connectionName))
        return;
    {
        QSqlDatabase db = QSqlDatabase::database(m_connectionName, false);
        if (db.driver())
            db.driver()->disconnect(this);
        db.close();
    }
    QSqlDatabase::removeDatabase(m_connectionName);
}

void ChangeFeed::noted(const QString &name, const QVariant &payload)
{
    if (name != ChangeTriggers::channel())
        return;
    // The payload is the table's name, from our own trigger; anything else names no table we know.
    const QString table = payload.toString();
    if (!m_options.tables.contains(table))
        return;
    m_pending.insert(table);
    if (!m_debounce.isActive())
        m_debounce.start();
}

void ChangeFeed::emitPending()
{
    if (m_pending.isEmpty())
        return;
    const QSet<QString> tables = std::exchange(m_pending, {});
    Q_EMIT changed(tables);
}

void ChangeFeed::ping()
{
    // The driver says nothing when its LISTEN connection dies: a query does. A dead server
    // answers at once (connection refused or reset); the backoff bounds the retries.
    QString error;
    {
        QSqlDatabase db = QSqlDatabase::database(m_connectionName, false);
        if (!db.isOpen()) {
            error = QStringLiteral("the connection was closed");
        } else {
            QSqlQuery query(db);
            if (!query.exec(QStringLiteral("SELECT 1")))
                error = query.lastError().text();
        }
    }
    if (!error.isEmpty())
        lost(error);
}

void ChangeFeed::lost(const QString &error)
{
    qCWarning(lcStore, "change feed: connection lost (%s); reconnecting", qPrintable(error));
    disconnectListener();
    m_backoffMs = m_options.minBackoffMs;
    m_retry.start(m_backoffMs);
    Q_EMIT connectionLost(error);
}

void ChangeFeed::retry()
{
    // The triggers are in the database already: reconnecting only listens again.
    if (auto connected = connectListener(false); !connected) {
        m_backoffMs = qMin(m_backoffMs * 2, m_options.maxBackoffMs);
        qCDebug(lcStore, "change feed: reconnect failed (%s); next try in %d ms",
                qPrintable(connected.error().message), m_backoffMs);
        m_retry.start(m_backoffMs);
        return;
    }
    qCInfo(lcStore, "change feed: listening again");
    // Said first, so a listener can open its own store connection again before the reload below.
    Q_EMIT reconnected();
    // Whatever committed while away was not heard: every table may have changed.
    const QStringList all = m_options.tables;
    m_pending.unite(QSet<QString>(all.cbegin(), all.cend()));
    m_debounce.stop();
    emitPending();
}

} // namespace ServeDeck
