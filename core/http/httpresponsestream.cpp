#include "http/httpresponsestream.h"

#include <utility>

namespace ServeDeck {

void HttpResponseStream::write(const QByteArray &bytes)
{
    if (!isOpen() || bytes.isEmpty())
        return;
    if (m_attached)
        m_sink.write(bytes);
    else
        m_pending += bytes;
}

void HttpResponseStream::finish()
{
    if (!isOpen())
        return;
    m_finished = true;
    if (!m_attached)
        return;  // attach() ends the body
    // Moved out first: finishing may start the connection's next request, which may detach us.
    const Sink sink = std::exchange(m_sink, {});
    m_attached = false;
    m_gone = true;
    sink.finish();
}

void HttpResponseStream::attach(Sink sink)
{
    if (m_gone)
        return;
    m_sink = std::move(sink);
    m_attached = true;
    if (!m_pending.isEmpty())
        m_sink.write(std::exchange(m_pending, {}));
    if (m_finished) {
        m_finished = false;  // so that finish() runs its course
        finish();
    }
}

void HttpResponseStream::detach()
{
    m_gone = true;
    m_attached = false;
    m_sink = {};
    m_pending.clear();
}

} // namespace ServeDeck
