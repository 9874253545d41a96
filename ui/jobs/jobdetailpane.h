#pragma once

#include <optional>
#include <utility>

#include <QWidget>

#include "domain/job.h"

class QFormLayout;
class QLabel;
class QPlainTextEdit;
class QPushButton;

namespace ServeDeck {

class ControlClient;
class ErrorLabel;

// One job in full: its timings, attempts and last error, route and revision, deadline and
// idempotency key, the request as it was queued and the answer as the model gave it (read through
// the control client while the job has one). Cancel and Retry as its state allows; a refusal
// (the job moved on meanwhile) shows in place.
class JobDetailPane final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(JobDetailPane)

public:
    explicit JobDetailPane(ControlClient &client, QWidget *parent = nullptr);
    ~JobDetailPane() override;

    // Shows `job` (none: nothing selected); the same job again updates the fields in place and
    // reads its answer again only when that changed.
    void showJob(const std::optional<Job> &job);
    const std::optional<Job> &job() const { return m_job; }

    QPushButton *cancelButton() const { return m_cancel; }
    QPushButton *retryButton() const { return m_retry; }
    ErrorLabel *errorLabel() const { return m_error; }
    QPlainTextEdit *answerBody() const { return m_body; }
    QLabel *answerStatus() const { return m_answerStatus; }
    // The value label of a field by its object name ("jobState", "jobQueueTime", ...); null if none.
    QLabel *field(const QString &name) const;

Q_SIGNALS:
    // The answer of the shown job was read (or found missing).
    void answerLoaded();
    // Cancel or Retry came back: the job as it is now on success.
    void actionFinished(bool ok);
    void jobUpdated(const ServeDeck::Job &job);

private:
    enum class Action { Cancel, Retry };

    QLabel *addField(QFormLayout *form, const QString &name);
    void fill();
    void readAnswer();
    void act(Action action);
    void updateButtons();

    ControlClient &m_client;
    std::optional<Job> m_job;
    QLabel *m_title;
    QList<QLabel *> m_fields;
    QPlainTextEdit *m_request;
    QLabel *m_answerStatus;
    QPlainTextEdit *m_answerHeaders;
    QPlainTextEdit *m_body;
    QPushButton *m_cancel;
    QPushButton *m_retry;
    ErrorLabel *m_error;
    quint64 m_answerRequest = 0;  // answers to an earlier read are dropped
    std::optional<std::pair<JobState, int>> m_answerOf;  // the state and status the shown answer was read for
    bool m_busy = false;
};

} // namespace ServeDeck
