#pragma once

#include <QUuid>
#include <QWidget>

#include "domain/result.h"
#include "traffic/simulationsettings.h"

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QPushButton;
class QSpinBox;
class QTimer;

namespace ServeDeck {

class ControlClient;
class EndpointListModel;
class EndpointSelector;
struct EndpointInfo;
class ErrorLabel;
class TrafficRunner;

// "Simulate traffic": drives one endpoint with a traffic pattern until stopped, from the console.
// The simulator runs on a thread of its own (TrafficRunner), never this one; a private endpoint
// gets an inference token minted through the control plane (off this thread), renewed while the
// run lasts and revoked when it ends. A live line shows the rate now and the totals, per tick.
class SimulatorPanel final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SimulatorPanel)

public:
    // A minted token lives this long and is renewed well before it expires.
    static constexpr qint64 kTokenExpirySeconds = 900;
    static constexpr int kTokenRenewMs = 10 * 60 * 1000;

    SimulatorPanel(ControlClient &client, EndpointListModel &endpoints, QWidget *parent = nullptr);
    ~SimulatorPanel() override;  // stops the simulator

    EndpointSelector *endpointSelector() const { return m_endpoint; }
    QComboBox *patternBox() const { return m_pattern; }
    QDoubleSpinBox *minRateBox() const { return m_minRate; }
    QDoubleSpinBox *maxRateBox() const { return m_maxRate; }
    QSpinBox *periodBox() const { return m_period; }
    QSpinBox *intervalBox() const { return m_interval; }
    QCheckBox *randomIntervalBox() const { return m_randomInterval; }
    QSpinBox *batchMinBox() const { return m_batchMin; }
    QSpinBox *batchMaxBox() const { return m_batchMax; }
    QPushButton *startButton() const { return m_start; }
    QPushButton *stopButton() const { return m_stop; }
    QLabel *liveLabel() const { return m_live; }
    ErrorLabel *problemLabel() const { return m_problem; }
    const TrafficRunner &runner() const { return *m_runner; }
    bool running() const;

    void setEndpoint(const QUuid &id);
    void start();
    void stop();

Q_SIGNALS:
    void started();
    void stopped();  // the simulator has stopped; its totals are final

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    // The form's pattern, validated (InvalidArgument naming the field).
    Result<TrafficPattern> patternFromForm() const;
    // The form as settings for the endpoint (as the plane describes it now), validated; no token yet.
    Result<SimulationSettings> settingsFromForm(const EndpointInfo &info, const TrafficPattern &pattern) const;
    void prepared(const Result<EndpointInfo> &info, const TrafficPattern &pattern);
    void launch(SimulationSettings settings);
    void revokeToken();
    void showCounts();
    void updateButtons();

    ControlClient &m_client;
    EndpointListModel &m_endpoints;
    EndpointSelector *m_endpoint;
    QComboBox *m_pattern;
    QDoubleSpinBox *m_minRate;
    QDoubleSpinBox *m_maxRate;
    QSpinBox *m_period;
    QSpinBox *m_interval;
    QCheckBox *m_randomInterval;
    QSpinBox *m_batchMin;
    QSpinBox *m_batchMax;
    QPushButton *m_start;
    QPushButton *m_stop;
    ErrorLabel *m_problem;
    QLabel *m_live;
    TrafficRunner *m_runner;
    QTimer *m_renew;
    QUuid m_runEndpoint;  // the endpoint of the run in progress
    QString m_tokenId;    // the token minted for it, to revoke
    bool m_preparing = false;  // reading the endpoint, minting its token
    bool m_stopping = false;
};

} // namespace ServeDeck
