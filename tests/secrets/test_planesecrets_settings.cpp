// The console's Settings field for the plane key file: what is typed is remembered for the next
// start (planeKeyFileSetting(), which the console's start reads), and emptied it is forgotten.
#include <QApplication>
#include <QLineEdit>
#include <QSettings>
#include <QStandardPaths>
#include <QTest>

#include "ui/common/settingsdialog.h"

using namespace ServeDeck;
using namespace Qt::StringLiterals;

class TestPlaneSecretsSettings final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void typedPathIsRememberedAndShownAgain();
    void emptiedFieldForgetsThePath();

private:
    static void clear() { QSettings(u"ServeDeck"_s, QCoreApplication::applicationName()).clear(); }
};

void TestPlaneSecretsSettings::initTestCase()
{
    // Settings in the test paths, never the user's.
    QStandardPaths::setTestModeEnabled(true);
    clear();
}

void TestPlaneSecretsSettings::cleanupTestCase()
{
    clear();
}

void TestPlaneSecretsSettings::typedPathIsRememberedAndShownAgain()
{
    QCOMPARE(SettingsDialog::planeKeyFileSetting(), QString());
    {
        SettingsDialog dialog;
        QLineEdit *edit = dialog.planeKeyFileEdit();
        QVERIFY(edit);
        QCOMPARE(edit->text(), QString());
        QVERIFY(!edit->placeholderText().isEmpty());
        edit->setFocus();
        QTest::keyClicks(edit, u"/etc/servedeck/plane.key"_s);
        QTest::keyClick(edit, Qt::Key_Return);
        QCOMPARE(SettingsDialog::planeKeyFileSetting(), u"/etc/servedeck/plane.key"_s);
    }
    // The next dialog (and the next start) sees it.
    SettingsDialog again;
    QCOMPARE(again.planeKeyFileEdit()->text(), u"/etc/servedeck/plane.key"_s);
}

void TestPlaneSecretsSettings::emptiedFieldForgetsThePath()
{
    SettingsDialog::setPlaneKeyFileSetting(u"/tmp/k"_s);
    SettingsDialog dialog;
    QLineEdit *edit = dialog.planeKeyFileEdit();
    QCOMPARE(edit->text(), u"/tmp/k"_s);
    edit->clear();
    Q_EMIT edit->editingFinished();
    QCOMPARE(SettingsDialog::planeKeyFileSetting(), QString());
    QVERIFY(!QSettings(u"ServeDeck"_s, QCoreApplication::applicationName()).contains(u"store/planeKeyFile"_s));
}

QTEST_MAIN(TestPlaneSecretsSettings)
#include "test_planesecrets_settings.moc"
