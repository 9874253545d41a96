#pragma once

#include <optional>

#include <QByteArray>
#include <QByteArrayView>
#include <QString>

#include "http/proxyhttp.h"
#include "proxy/proxyjobcall.h"

namespace ServeDeck {

// The grammar of the proxy's job intake: which requests are jobs, what of them a job keeps,
// and the answers the proxy gives them by itself. Every parse here is strict and linear in
// its input, which the request head's size limit bounds.
namespace JobRequest {

// A `respond-async` preference in the request's Prefer field(s) (RFC 7240: comma-separated
// preferences, each `token [= word] *( ";" parameter )`, the token case-insensitive). Every
// Prefer field must be well-formed for it to count; respond-async takes no value. Without a
// Prefer field: no allocation, one look at each header name.
bool prefersRespondAsync(const HeaderList &headers);

// /_jobs, or a path under it: the proxy's own (endpoint names cannot start with '_').
bool isJobsPath(QByteArrayView path);

struct Lookup
{
    ProxyJobCall::Kind kind = ProxyJobCall::Kind::Status;
    QString jobId;  // 32 lower-case hex digits
};
// GET /_jobs/{id}, GET /_jobs/{id}/result, DELETE /_jobs/{id}; anything else under /_jobs is
// refused (404, or 405 with Allow for another method).
std::optional<Lookup> parseLookup(QByteArrayView method, QByteArrayView path, LocalResponse *refusal);

// What a submitted job keeps of the request's headers: not the hop-by-hop ones (nor those its
// Connection names), Authorization, Prefer, Idempotency-Key, Host, Content-Length, Expect
// (answered here) or X-Forwarded-* (the proxy sets its own when the job runs through it).
HeaderList submittedHeaders(const HeaderList &headers);
// The Idempotency-Key field, raw; false (refusal set, 400) when there is more than one.
bool idempotencyKey(const HeaderList &headers, QByteArray *key, LocalResponse *refusal);

// A reply of the owning thread as it may go to the client: without the framing headers the
// proxy writes itself (Content-Length, hop-by-hop) and without any header that could not be
// written as one line.
LocalResponse forClient(LocalResponse response);
// 503 QueueFull with Retry-After: 1.
LocalResponse queueFull(const QString &message);
// 404 for a job the caller may not see, the same as for one that does not exist.
LocalResponse notFound(const QString &jobId);

} // namespace JobRequest

} // namespace ServeDeck
