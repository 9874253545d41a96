#pragma once

#include <QByteArray>
#include <QStringList>

namespace ServeDeck {

// The last lines a replica wrote: where an OOM or a CUDA error shows. Bounded in lines and
// bytes; the oldest go first, so the end of a log is never lost.
class LogTail final
{
public:
    static constexpr int kMaxLines = 200;
    static constexpr qsizetype kMaxBytes = 64 * 1024;

    void append(const QByteArray &chunk);
    QStringList lines() const;
    QString text() const { return lines().join(u'\n'); }
    bool contains(const QString &needle) const;

private:
    QStringList m_lines;
    QByteArray m_partial;  // a line not yet ended by '\n'
    qsizetype m_bytes = 0;
};

} // namespace ServeDeck
