/**
 * Updates that each change a different setting of a meeting. Sent at the same time, a lost update would undo
 * another's change. These read back exactly as sent.
 */
export const plainSettingChanges: Record<string, unknown>[] = [
  { subject: 'Concurrent' },
  { allowRecording: false },
  { isEntryExitAnnounced: false },
  { recordAutomatically: true },
  { allowTranscription: false },
  { allowWhiteboard: false },
  { allowBreakoutRooms: false },
  { allowPowerPointSharing: false },
  { allowTeamworkReactions: false },
  { allowMeetingChat: 'limited' },
  { meetingSpokenLanguageTag: 'de-DE' },
  { isEndToEndEncryptionEnabled: true },
];

/** All of the above, and changes of complex values, times and attendees, which the service merges or resolves. */
export const distinctSettingChanges: Record<string, unknown>[] = [
  ...plainSettingChanges,
  { allowAttendeeToEnableCamera: false },
  { allowAttendeeToEnableMic: false },
  { allowCopyingAndSharingMeetingContent: false },
  { allowLiveShare: 'disabled' },
  { allowedLobbyAdmitters: 'organizerAndCoOrganizers' },
  { allowedPresenters: 'organization' },
  { sensitivityLabelAssignment: { sensitivityLabelId: 'label-7' } },
  { watermarkProtection: { isEnabledForVideo: true } },
  { lobbyBypassSettings: { isDialInBypassEnabled: true } },
  { broadcastSettings: { isRecordingEnabled: true } },
  { startDateTime: '2027-01-01T10:00:00Z', endDateTime: '2027-01-01T11:00:00Z' },
  { participants: { attendees: [{ upn: 'guest@fabrikam.example' }] } },
];
