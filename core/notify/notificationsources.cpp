#include "notificationsources.h"

#include "domain/clock.h"
#include "notify/notifier.h"

namespace ServeDeck {

NotificationSources::NotificationSources(Notifier &notifier, Clock &clock, QObject *parent)
    : QObject(parent), m_notifier(notifier), m_clock(clock)
{
}

void NotificationSources::errorRecorded(const ErrorRecord &, const QString &)
{
}

void NotificationSources::agentJoined(const QString &)
{
}

void NotificationSources::rolloutChanged(const QUuid &, const QString &, const QUuid &, RolloutPhase)
{
}

void NotificationSources::endpointSampled(const EndpointState &)
{
}

void NotificationSources::endpointRemoved(const QUuid &)
{
}

} // namespace ServeDeck
