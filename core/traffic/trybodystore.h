#pragma once

#include <QByteArray>
#include <QString>

#include "domain/result.h"

namespace ServeDeck {

// The last body tried on each endpoint, kept in one file of the data dir (0600: a body may hold
// data an operator would not show), so the next try starts from it. Bounded: the newest
// kMaxEndpoints endpoints, bodies up to kMaxBodyBytes (a larger one is not remembered).
class TryBodyStore final
{
public:
    static constexpr int kMaxEndpoints = 64;
    static constexpr qsizetype kMaxBodyBytes = 64 * 1024;

    explicit TryBodyStore(const QString &dataDir);

    // Empty when none was kept (or the file cannot be read).
    QByteArray lastBody(const QString &endpoint) const;
    Result<Done> remember(const QString &endpoint, const QByteArray &body);

    QString filePath() const { return m_path; }

private:
    QString m_path;
};

} // namespace ServeDeck
