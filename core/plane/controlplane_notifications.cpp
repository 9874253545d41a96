// The plane's notifications: the Notifier and the events that feed it. Runs once per plane
// (issue 18 will make only the leader's active, through Notifier::setActive).
#include "controlplane.h"

#include "domain/clock.h"
#include "notify/notifier.h"
#include "store/repository.h"

namespace ServeDeck {

void ControlPlane::startNotifications()
{
    m_notifier = new Notifier(*m_repository, Clock::system(), this);
}

} // namespace ServeDeck
