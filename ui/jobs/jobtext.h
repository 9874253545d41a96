#pragma once

#include <QByteArray>
#include <QString>

#include "domain/job.h"
#include "ui/common/theme.h"

namespace ServeDeck {

// How the console shows a job's parts: its state's colour and word, and a stored answer's body.
namespace JobText {

// At most this much of an answer is shown: more is not read by eye, and a text view of
// megabytes stalls the GUI thread.
constexpr qsizetype kShownBodyBytes = 64 * 1024;

Theme::Role stateRole(JobState state);
// "Queued", "Running"… as the per-state counts read (the table shows the API's names).
QString stateWord(JobState state);
// The first bytes of an answer (`head`, at most kShownBodyBytes of `totalBytes`) as text when it
// is UTF-8 JSON or text (JSON pretty-printed when it is whole), else "N bytes (binary)".
// `contentType`: the answer's Content-Type header, empty when it had none.
QString body(const QByteArray &head, qint64 totalBytes, const QByteArray &contentType);
// A header list one "Name: value" a line.
QString headers(const JobHeaders &headers);

} // namespace JobText

} // namespace ServeDeck
