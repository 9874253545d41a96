#include "store/storelocation.h"

#include <QSqlDatabase>
#include <QSqlError>
#include <QStringList>
#include <QUrl>
#include <QUrlQuery>

namespace ServeDeck {

namespace {

ServiceError invalid(const QString &message)
{
    return makeError(ErrorType::InvalidArgument, message, QJsonObject{{QStringLiteral("field"), QStringLiteral("database")}});
}

// The libpq parameters a URL may carry: each is passed to QPSQL as a connect option.
bool isAllowedOption(const QString &key)
{
    static const QStringList allowed{QStringLiteral("sslmode"), QStringLiteral("sslrootcert"),
                                     QStringLiteral("sslcert"), QStringLiteral("sslkey"),
                                     QStringLiteral("connect_timeout"), QStringLiteral("application_name"),
                                     QStringLiteral("keepalives"), QStringLiteral("keepalives_idle"),
                                     QStringLiteral("keepalives_interval"), QStringLiteral("keepalives_count"),
                                     QStringLiteral("tcp_user_timeout")};
    return allowed.contains(key);
}

// A server that vanishes without a word (a partition, a powered-off host) would otherwise hold a
// statement in libpq for the system's TCP timeouts, about 15 minutes, and the control thread with
// it: unanswered data fails the connection after 20 s, an idle one is probed after 15 s and given
// up 15 s later. The URL's own values win (libpq takes the last keyword: these go first).
const QStringList &networkDefaults()
{
    static const QStringList defaults{QStringLiteral("connect_timeout=10"), QStringLiteral("keepalives=1"),
                                      QStringLiteral("keepalives_idle=15"), QStringLiteral("keepalives_interval=5"),
                                      QStringLiteral("keepalives_count=3"), QStringLiteral("tcp_user_timeout=20000")};
    return defaults;
}

// Values go into a "key=value;..." list: nothing that would split or quote it.
bool isPlainOptionValue(const QString &value)
{
    if (value.isEmpty() || value.size() > 1024)
        return false;
    for (const QChar c : value) {
        if (c.unicode() < 0x21 || c.unicode() > 0x7e || c == u';' || c == u'=' || c == u'\'' || c == u'\\')
            return false;
    }
    return true;
}

} // namespace

StoreLocation StoreLocation::sqlite(const QString &path)
{
    StoreLocation location;
    location.kind = Kind::Sqlite;
    location.path = path;
    return location;
}

Result<StoreLocation> StoreLocation::parse(const QString &text)
{
    if (text.isEmpty())
        return invalid(QStringLiteral("the database location is empty"));
    if (text.size() > 4096)
        return invalid(QStringLiteral("the database location is longer than 4096 characters"));
    const bool postgres = text.startsWith(QLatin1String("postgresql://")) || text.startsWith(QLatin1String("postgres://"));
    if (!postgres) {
        if (text.contains(QLatin1String("://")))
            return invalid(QStringLiteral("unknown database URL scheme (a file path or postgresql://...)"));
        return sqlite(text);
    }
    const QUrl url(text, QUrl::StrictMode);
    if (!url.isValid())
        return invalid(QStringLiteral("malformed PostgreSQL URL: %1").arg(url.errorString()));
    StoreLocation location;
    location.kind = Kind::Postgres;
    location.host = url.host();
    if (location.host.isEmpty())
        return invalid(QStringLiteral("the PostgreSQL URL names no host"));
    location.port = url.port(5432);
    if (location.port < 1 || location.port > 65535)
        return invalid(QStringLiteral("the PostgreSQL port is out of range"));
    location.user = url.userName();
    location.password = url.password();
    QString path = url.path();
    if (path.startsWith(u'/'))
        path.remove(0, 1);
    if (path.isEmpty() || path.contains(u'/'))
        return invalid(QStringLiteral("the PostgreSQL URL must name one database: postgresql://host/database"));
    location.database = path;
    if (url.hasFragment())
        return invalid(QStringLiteral("the PostgreSQL URL has a fragment"));
    QStringList options;
    const QUrlQuery query(url);
    for (const auto &[key, value] : query.queryItems(QUrl::FullyDecoded)) {
        if (!isAllowedOption(key))
            return invalid(QStringLiteral("unknown PostgreSQL URL parameter '%1'").arg(key));
        if (!isPlainOptionValue(value))
            return invalid(QStringLiteral("bad value for the PostgreSQL URL parameter '%1'").arg(key));
        options << key + u'=' + value;
    }
    location.connectOptions = options.join(u';');
    return location;
}

QString StoreLocation::displayName() const
{
    if (!isPostgres())
        return path;
    QUrl url;
    url.setScheme(QStringLiteral("postgresql"));
    url.setHost(host);
    url.setPort(port);
    url.setUserName(user);
    url.setPath(u'/' + database);
    if (!connectOptions.isEmpty())
        url.setQuery(QString(connectOptions).replace(u';', u'&'));
    return url.toString();
}

Result<Done> StoreLocation::openConnection(const QString &connectionName) const
{
    bool opened = false;
    QString error;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(isPostgres() ? QStringLiteral("QPSQL") : QStringLiteral("QSQLITE"),
                                                    connectionName);
        if (isPostgres()) {
            db.setHostName(host);
            db.setPort(port);
            db.setUserName(user);
            db.setPassword(password);
            db.setDatabaseName(database);
            QStringList options = networkDefaults();
            if (!connectOptions.isEmpty())
                options << connectOptions;
            db.setConnectOptions(options.join(u';'));
        } else {
            db.setDatabaseName(path);
            db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=5000"));
        }
        opened = db.open();
        if (!opened)
            error = db.lastError().text();
    }
    if (!opened) {
        QSqlDatabase::removeDatabase(connectionName);
        return makeError(ErrorType::StorageError, QStringLiteral("cannot open %1: %2").arg(displayName(), error));
    }
    return Done{};
}

} // namespace ServeDeck
