#include "logtail.h"

namespace ServeDeck {

void LogTail::append(const QByteArray &chunk)
{
    m_partial += chunk;
    qsizetype start = 0;
    for (qsizetype nl = m_partial.indexOf('\n'); nl >= 0; nl = m_partial.indexOf('\n', start)) {
        QString line = QString::fromUtf8(m_partial.constData() + start, nl - start);
        if (line.endsWith(u'\r'))
            line.chop(1);
        m_bytes += line.size();
        m_lines.append(std::move(line));
        start = nl + 1;
    }
    m_partial.remove(0, start);
    // A process that never ends its line must not grow this without bound either.
    if (m_partial.size() > kMaxBytes)
        m_partial = m_partial.right(kMaxBytes);
    while (m_lines.size() > kMaxLines || (m_bytes > kMaxBytes && m_lines.size() > 1)) {
        m_bytes -= m_lines.first().size();
        m_lines.removeFirst();
    }
}

QStringList LogTail::lines() const
{
    QStringList out = m_lines;
    if (!m_partial.isEmpty())
        out.append(QString::fromUtf8(m_partial));
    return out;
}

bool LogTail::contains(const QString &needle) const
{
    for (const QString &line : lines()) {
        if (line.contains(needle, Qt::CaseInsensitive))
            return true;
    }
    return false;
}

} // namespace ServeDeck
