#include "idlepolicy.h"

#include <algorithm>

namespace ServeDeck {

IdlePolicy::IdlePolicy(int timeoutSeconds)
    : m_timeoutSeconds(std::max(timeoutSeconds, 0))
{
}

void IdlePolicy::observe(const QDateTime &now, std::optional<double> requestsPerSecond)
{
    if (!requestsPerSecond)
        return;
    if (*requestsPerSecond > 0)
        m_quietSince.reset();
    else if (!m_quietSince)
        m_quietSince = now;
}

void IdlePolicy::markActive()
{
    m_quietSince.reset();
}

bool IdlePolicy::isIdle(const QDateTime &now) const
{
    return enabled() && m_quietSince && m_quietSince->secsTo(now) >= m_timeoutSeconds;
}

QString IdlePolicy::reason() const
{
    return QStringLiteral("idle for %1 s").arg(m_timeoutSeconds);
}

} // namespace ServeDeck
