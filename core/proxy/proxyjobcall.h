#pragma once

#include <functional>

#include <QByteArray>
#include <QHostAddress>
#include <QString>
#include <QUuid>

#include "http/proxyhttp.h"

namespace ServeDeck {

// What the data plane hands to the job queue on the control side. The proxy never opens the
// store: a worker passes one of these to the owning thread through a bounded hand-off and
// answers its client once the reply comes back (ProxyServer::setJobHandler).
struct ProxyJobCall
{
    enum class Kind {
        Submit,  // a request with `Prefer: respond-async`, its token already checked for the endpoint
        Status,  // GET /_jobs/{id}
        Result,  // GET /_jobs/{id}/result
        Cancel,  // DELETE /_jobs/{id}
    };
    Kind kind = Kind::Submit;
    QString jobId;  // Status, Result, Cancel: as the path gave it (the queue validates it)
    // Submit:
    QUuid endpointId;
    QByteArray method;
    QByteArray path;      // under the endpoint, with its query, as the model would see it
    // hop-by-hop, Authorization, Prefer and Idempotency-Key removed; so are Host, Content-Length,
    // Expect (answered by the proxy) and X-Forwarded-* (set by the proxy when the job runs through it)
    HeaderList headers;
    QByteArray body;
    QByteArray idempotencyKey;  // the Idempotency-Key header, raw (the queue validates it)
    QString submittedBy;        // the token's id, or "public"
    QHostAddress peer;
};

struct ProxyJobReply
{
    LocalResponse response;  // what the client gets (202 + Location for a submission)
    // Status, Result, Cancel: the job's endpoint. The worker answers only if the request's token
    // may call that endpoint (as a request to it would be checked); otherwise 404, as for an
    // unknown id, so job ids of other endpoints are not disclosed. Null: answer as is.
    QUuid endpointId;
};

// Runs on the proxy's owning thread; calls reply exactly once, at once or later, on that thread.
using ProxyJobHandler = std::function<void(ProxyJobCall call, std::function<void(ProxyJobReply)> reply)>;

} // namespace ServeDeck
