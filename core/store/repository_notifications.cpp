// The notifications core's tables: channels, alert rules and the delivery log.
#include "repository.h"

#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>

#include "sqlvalue.h"

namespace ServeDeck {

namespace {

using SqlValue::fromMs;
using SqlValue::idOrNull;
using SqlValue::ms;
using SqlValue::nonNullText;

Result<QSqlQuery> exec(const QString &connection, const QString &sql, const QVariantList &binds = {})
{
    return SqlValue::exec(connection, QStringLiteral("notifications"), sql, binds);
}

} // namespace

Result<Done> Repository::insertNotificationChannel(const NotificationChannelRecord &c)
{
    auto q = exec(m_connectionName,
                  QStringLiteral("INSERT INTO notification_channels(id, name, kind, config, secret, created_at)"
                                 " VALUES(?,?,?,?,?,?)"),
                  {c.id, c.name, c.kind, nonNullText(c.config),
                   c.secret.isEmpty() ? QVariant(QMetaType::fromType<QByteArray>()) : QVariant(c.secret),
                   ms(c.createdAt)});
    if (!q)
        return q.error();
    return Done{};
}

Result<QList<NotificationChannelRecord>> Repository::notificationChannels()
{
    auto q = exec(m_connectionName, QStringLiteral("SELECT id, name, kind, config, secret, created_at"
                                                   " FROM notification_channels ORDER BY created_at, rowid"));
    if (!q)
        return q.error();
    QList<NotificationChannelRecord> out;
    while (q->next()) {
        NotificationChannelRecord c;
        c.id = q->value(0).toString();
        c.name = q->value(1).toString();
        c.kind = q->value(2).toString();
        c.config = q->value(3).toString();
        c.secret = q->value(4).toByteArray();
        c.createdAt = fromMs(q->value(5));
        out.append(c);
    }
    return out;
}

Result<Done> Repository::deleteNotificationChannel(const QString &channelId)
{
    auto q = exec(m_connectionName, QStringLiteral("DELETE FROM notification_channels WHERE id=?"), {channelId});
    if (!q)
        return q.error();
    if (q->numRowsAffected() == 0)
        return makeError(ErrorType::NotFound, QStringLiteral("notification channel not found"));
    return Done{};
}

Result<Done> Repository::insertAlertRule(const AlertRuleRecord &r)
{
    auto q = exec(m_connectionName,
                  QStringLiteral("INSERT INTO alert_rules(id, endpoint_id, metric, comparator, threshold, for_seconds,"
                                 " severity, created_at) VALUES(?,?,?,?,?,?,?,?)"),
                  {r.id, idOrNull(r.endpointId), r.metric, r.comparator, r.threshold, r.forSeconds, r.severity,
                   ms(r.createdAt)});
    if (!q)
        return q.error();
    return Done{};
}

Result<QList<AlertRuleRecord>> Repository::alertRules(const QUuid &endpointId)
{
    QString sql = QStringLiteral("SELECT id, endpoint_id, metric, comparator, threshold, for_seconds, severity, created_at"
                                 " FROM alert_rules");
    QVariantList binds;
    if (!endpointId.isNull()) {
        sql += QStringLiteral(" WHERE endpoint_id=?");
        binds << idOrNull(endpointId);
    }
    sql += QStringLiteral(" ORDER BY created_at, rowid");
    auto q = exec(m_connectionName, sql, binds);
    if (!q)
        return q.error();
    QList<AlertRuleRecord> out;
    while (q->next()) {
        AlertRuleRecord r;
        r.id = q->value(0).toString();
        r.endpointId = QUuid::fromString(q->value(1).toString());
        r.metric = q->value(2).toString();
        r.comparator = q->value(3).toString();
        r.threshold = q->value(4).toDouble();
        r.forSeconds = q->value(5).toInt();
        r.severity = q->value(6).toString();
        r.createdAt = fromMs(q->value(7));
        out.append(r);
    }
    return out;
}

Result<Done> Repository::deleteAlertRule(const QUuid &endpointId, const QString &ruleId)
{
    auto q = exec(m_connectionName, QStringLiteral("DELETE FROM alert_rules WHERE endpoint_id=? AND id=?"),
                  {idOrNull(endpointId), ruleId});
    if (!q)
        return q.error();
    if (q->numRowsAffected() == 0)
        return makeError(ErrorType::NotFound, QStringLiteral("alert rule not found"));
    return Done{};
}

Result<qint64> Repository::insertNotificationDelivery(const NotificationDeliveryRecord &d)
{
    auto q = exec(m_connectionName,
                  QStringLiteral("INSERT INTO notification_deliveries(channel_id, channel_name, event_kind, endpoint_id,"
                                 " created_at, attempt, ok, outcome, title, count) VALUES(?,?,?,?,?,?,?,?,?,?) RETURNING id"),
                  {d.channelId, d.channelName, d.eventKind, idOrNull(d.endpointId), ms(d.time), d.attempt,
                   d.ok ? 1 : 0, nonNullText(d.outcome), nonNullText(d.title), d.count});
    if (!q)
        return q.error();
    if (!q->next())
        return makeError(ErrorType::StorageError, QStringLiteral("notifications: the delivery's insert returned no id"));
    const qint64 id = q->value(0).toLongLong();
    // Bounded log: ids only grow, so everything kMax below the newest goes (one indexed delete).
    if (auto pruned = exec(m_connectionName, QStringLiteral("DELETE FROM notification_deliveries WHERE id <= ?"),
                           {id - kMaxNotificationDeliveries});
        !pruned)
        return pruned.error();
    return id;
}

Result<QList<NotificationDeliveryRecord>> Repository::notificationDeliveries(int limit, const QString &channelId)
{
    QString sql = QStringLiteral("SELECT id, channel_id, channel_name, event_kind, endpoint_id, created_at, attempt, ok,"
                                 " outcome, title, count FROM notification_deliveries");
    QVariantList binds;
    if (!channelId.isEmpty()) {
        sql += QStringLiteral(" WHERE channel_id=?");
        binds << channelId;
    }
    sql += QStringLiteral(" ORDER BY id DESC LIMIT ?");
    binds << limit;
    auto q = exec(m_connectionName, sql, binds);
    if (!q)
        return q.error();
    QList<NotificationDeliveryRecord> out;
    while (q->next()) {
        NotificationDeliveryRecord d;
        d.id = q->value(0).toLongLong();
        d.channelId = q->value(1).toString();
        d.channelName = q->value(2).toString();
        d.eventKind = q->value(3).toString();
        d.endpointId = QUuid::fromString(q->value(4).toString());
        d.time = fromMs(q->value(5));
        d.attempt = q->value(6).toInt();
        d.ok = q->value(7).toInt() != 0;
        d.outcome = q->value(8).toString();
        d.title = q->value(9).toString();
        d.count = q->value(10).toInt();
        out.append(d);
    }
    return out;
}

} // namespace ServeDeck
