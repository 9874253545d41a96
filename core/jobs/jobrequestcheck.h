#pragma once

#include "domain/job.h"
#include "domain/result.h"

namespace ServeDeck {

// A submitted request checked against the job grammar (InvalidArgument naming the field,
// PayloadTooLarge for the body), with the headers a job does not keep (hop-by-hop,
// Authorization, Prefer, Host, Content-Length) taken out.
Result<JobRequest> checkedJobRequest(const JobRequest &request, qsizetype maxBodyBytes);

} // namespace ServeDeck
