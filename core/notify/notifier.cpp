#include "notifier.h"

#include <QNetworkAccessManager>
#include <QTimer>

#include "domain/clock.h"
#include "store/repository.h"

namespace ServeDeck {

struct Notifier::Group
{
    NotificationChannel channel;
    NotificationEvent event;
    QDateTime quietUntil;
    int held = 0;
};

Notifier::Notifier(Repository &repository, Clock &clock, QObject *parent)
    : QObject(parent), m_repository(repository), m_clock(clock), m_network(new QNetworkAccessManager(this)),
      m_flushTimer(new QTimer(this))
{
}

Notifier::~Notifier()
{
    qDeleteAll(m_groups);
}

Result<QList<NotificationChannel>> Notifier::channels()
{
    return QList<NotificationChannel>{};
}

Result<NotificationChannel> Notifier::addChannel(const NotificationChannel &, const QByteArray &)
{
    return makeError(ErrorType::InvalidArgument, QStringLiteral("not yet"));
}

Result<Done> Notifier::removeChannel(const QString &)
{
    return makeError(ErrorType::NotFound, QStringLiteral("not yet"));
}

Result<NotificationEvent> Notifier::sendTest(const QString &)
{
    return makeError(ErrorType::NotFound, QStringLiteral("not yet"));
}

Result<QList<NotificationDelivery>> Notifier::deliveries(int, const QString &)
{
    return QList<NotificationDelivery>{};
}

Result<QList<AlertRule>> Notifier::alertRules(const QUuid &)
{
    return QList<AlertRule>{};
}

Result<AlertRule> Notifier::addAlertRule(const AlertRule &)
{
    return makeError(ErrorType::InvalidArgument, QStringLiteral("not yet"));
}

Result<Done> Notifier::removeAlertRule(const QUuid &, const QString &)
{
    return makeError(ErrorType::NotFound, QStringLiteral("not yet"));
}

void Notifier::raise(NotificationEvent)
{
}

void Notifier::setActive(bool active)
{
    m_active = active;
}

void Notifier::setRetryBaseMs(int ms)
{
    m_retryBaseMs = ms;
}

void Notifier::setWebhookTimeoutMs(int ms)
{
    m_webhookTimeoutMs = ms;
}

} // namespace ServeDeck
