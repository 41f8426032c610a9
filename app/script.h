/*
 * script: the headless scenario runner (`kiosk --headless --script FILE`).
 *
 * A scenario is a text file of commands, one per line ('#' comments):
 *
 *   tap "Label"            tap the widget with that label (current language);
 *                          fails when absent, disabled or behind a dialog
 *   type "text"            tap the on-screen keyboard's keys, shift included
 *   drag "Label" up|down N drag N design pixels starting on that widget
 *   scroll "List" to "Label"  drag the list (down the page, then back up)
 *                          until the widget labelled Label shows whole
 *                          ("Label*": a label starting with it)
 *   scroll to "Label"      the same through every list on the screen in
 *                          turn (layouts whose lists differ by orientation)
 *   expect text "..."      some widget's label or value contains the text
 *   expect no text "..."   no widget shows the text
 *   expect screen NAME     the current screen (welcome, info, gallery)
 *   expect field "Label" "value"    a text field holds exactly that value
 *   expect checked|unchecked "Label"
 *   wait 30s | 500ms | 2m  advance the virtual clock
 *   screenshot NAME        write DIR/NAME.png (with --screenshots DIR)
 *   language id|en         switch language with the on-screen toggle
 *   card insert FILE       place a card image (tests/cards/) on the simulated
 *                          reader and wait, in real time, until the reader
 *                          thread has read it (or failed to)
 *   card place FILE        the same, waiting only until the reader saw the
 *                          card (a screenshot of the reading in progress)
 *   card wait              wait until the next read ends: of the card placed,
 *                          or the read again of a card left on the reader
 *   card remove            take it away and wait until the reader saw it go
 *   card fault NAME [N]    arm a simulator fault for the next N occasions
 *                          (ccidsim.h: timeout, short-read, wrong-seq,
 *                          time-ext, unplug, card-removed, bad-tlv, bad-sw,
 *                          t1-edc, mute, auth)
 *   reader unplug | reader plug   the simulated reader's cable, waiting
 *                          until the kiosk has seen it
 *   goto SCREEN            open a screen directly (developer screens)
 *   key NAME               press a physical key (Escape, Alt+F4, Ctrl+Q, Alt+Tab)
 *   close                  the window manager's close button
 *   remember ticket        read the ticket number off the screen (receipt);
 *                          "$ticket" in later arguments stands for it
 *   remember complaint     the same for a complaint number ("$complaint")
 *   advance $ticket STATE ["reason"]  move that request to STATE as the
 *                          central service and the officer would (each
 *                          allowed transition stored as an event)
 *   notify $ticket CHANNEL "text"     a notification the central service sent
 *   central move $ticket STATE ["reason"]  the central service's own desk
 *                          moves the request (with --central on the local
 *                          kiosk-central-sim: its /_sim/events)
 *   central down | central up   every exchange with that sim dropped, or none
 *   store lock | store unlock         another connection holds the store's
 *                          write lock (a busy database) or lets it go
 *   hold X Y DURATION      a finger kept still at design pixel X,Y (a long
 *                          press: staff mode's hidden corner is 0..199)
 *   request NIK typed|card   a made-up applicant's submitted request with
 *                          that NIK, its identity typed or read from a card;
 *                          its ticket is remembered ("$ticket")
 *   staff add CODE ROLE PIN    a staff account (officer, supervisor,
 *                          technician), as `kiosk --add-staff` makes it
 *   sync wait sent         (with --central) in real time: connected, nothing
 *                          left in the store's outbox, and the central
 *                          service's changes read after the last delivery
 *   sync wait offline [N]  the service was tried and not reached (N waiting)
 *   sync wait lookup       the officer's certificate lookup ended
 *
 * The technician's diagnostics screen (tech.h):
 *   wait diagnostics       in real time (at most 20 s) until the checks the
 *                          screen started have ended; fails without a report
 *   expect check NAME ok|warn|fail   that check's status in the screen's
 *                          last run (the failure shows its value and reason)
 *   finger down|move ID "Label" PX PY   one finger of several (ID 0-9) at
 *                          PX %, PY % across the widget labelled Label (the
 *                          widgets follow only the first finger down)
 *   finger up ID           that finger lifted where it last was
 *   swipe "Label" PX1 PY1 PX2 PY2   one finger drawn across the widget from
 *                          one point to the other (percentages again)
 *   stick insert | stick remove   a fresh folder under /tmp that the export
 *                          dialog lists as a mounted USB stick ("$stick" in
 *                          later arguments names it), or pulled out (the
 *                          folder and what was written to it removed; it is
 *                          removed at the end of the run in any case)
 *   expect file "GLOB"     a file matching GLOB exists ("$stick/kesiapan-*.txt")
 *   expect restart         the kiosk was asked to restart (headless runs
 *                          log "restart requested" and go on)
 *   expect audit ACTION ["DETAIL"]   one of the 50 newest audit entries is
 *                          ACTION, with DETAIL in its detail when given
 *   outbox refused KIND    an outbox entry (complaint, survey, revocation,
 *                          complaint_note) the central service refuses for
 *                          good (400 invalid_body): with --central the sync
 *                          engine sends it and makes it a dead letter,
 *                          without it is settled as the engine would
 *
 * Every command waits for the kiosk to settle. A failure prints
 * "SCRIPT:LINE: expected ..., saw ..." on stderr and stops the run.
 */
#ifndef KIOSK_SCRIPT_H
#define KIOSK_SCRIPT_H

#include "app.h"

/*
 * Run the scenario at PATH against A (opened with opts.headless). Screenshots
 * go to SHOTS_DIR (may be NULL: screenshot commands are then checked but
 * skipped). Returns 0 when every command passed, 1 on the first failure or
 * when the file cannot be read or parsed.
 */
int script_run(app *a, const char *path, const char *shots_dir);

#endif
