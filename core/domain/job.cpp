#include "job.h"

#include "enumnames.h"

namespace ServeDeck {

namespace {
constexpr EnumNames<JobState, 6> kNames{{{
    {JobState::Queued, "QUEUED"},
    {JobState::Running, "RUNNING"},
    {JobState::Succeeded, "SUCCEEDED"},
    {JobState::Failed, "FAILED"},
    {JobState::Cancelled, "CANCELLED"},
    {JobState::Expired, "EXPIRED"},
}}};
} // namespace

QString jobStateName(JobState state)
{
    return kNames.name(state);
}

std::optional<JobState> jobStateFromName(const QString &name)
{
    return kNames.parse(name);
}

QList<JobState> allJobStates()
{
    return {JobState::Queued, JobState::Running, JobState::Succeeded,
            JobState::Failed, JobState::Cancelled, JobState::Expired};
}

bool isFinalJobState(JobState state)
{
    return state != JobState::Queued && state != JobState::Running;
}

} // namespace ServeDeck
