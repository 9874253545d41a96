#pragma once

#include <optional>

#include <QDateTime>
#include <QString>

namespace ServeDeck {

// Scale to zero: an endpoint that has served no request for `timeout` seconds may go to 0 replicas.
// It counts from the first sample that saw no requests; a missing sample (nullopt) tells nothing
// either way, so it neither starts nor ends a quiet period.
class IdlePolicy
{
public:
    explicit IdlePolicy(int timeoutSeconds = 0);

    int timeout() const { return m_timeoutSeconds; }
    bool enabled() const { return m_timeoutSeconds > 0; }

    void observe(const QDateTime &now, std::optional<double> requestsPerSecond);
    // A wake (or any scale up from zero) is activity: the quiet period starts over.
    void markActive();
    bool isIdle(const QDateTime &now) const;
    QString reason() const;  // "idle for 300 s"

private:
    int m_timeoutSeconds;
    std::optional<QDateTime> m_quietSince;
};

} // namespace ServeDeck
