#pragma once

#include <QUuid>
#include <QWidget>

#include "usage/recommendation.h"

class QLabel;
class QPushButton;
class QVBoxLayout;

namespace ServeDeck {

class ControlClient;
class ErrorLabel;

// An endpoint's scaling recommendations (the service's ScalingAdvisor over its recorded usage):
// each with its title, the data behind it in words, its evidence, and an Apply button (disabled
// for a warning, which has nothing to apply). Applying goes through the control client and then
// reloads; a refusal shows in place.
class RecommendationPanel final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RecommendationPanel)

public:
    RecommendationPanel(ControlClient *client, QWidget *parent = nullptr);
    ~RecommendationPanel() override;

    void setEndpoint(const QUuid &endpointId);
    void reload();

    const QList<Recommendation> &recommendations() const { return m_recommendations; }
    // The Apply button of recommendation `number` (1-based); null when there is none.
    QPushButton *applyButton(int number) const;
    QLabel *statusLabel() const { return m_status; }
    ErrorLabel *errorLabel() const { return m_error; }

Q_SIGNALS:
    void loaded();
    void applied(bool ok);

private:
    void showRecommendations(const QList<Recommendation> &recommendations, const QStringList &notes);
    void apply(int number);
    void setBusy(bool busy);

    ControlClient *m_client;
    QUuid m_endpointId;
    QList<Recommendation> m_recommendations;
    QLabel *m_status;
    ErrorLabel *m_error;
    QPushButton *m_refresh;
    QWidget *m_list;
    QVBoxLayout *m_listLayout;
    QLabel *m_notes;
    QList<QPushButton *> m_applyButtons;  // by number - 1
    bool m_busy = false;
};

} // namespace ServeDeck
