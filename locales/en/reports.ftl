# Resident app: filing a report and following it.

nav-reports = Reports
reports-title = My reports
reports-new = New report
reports-none = You have not reported anything yet. A pothole, illegal dumping, someone who needs help? Tell your town hall, even offline.
reports-filed-on = Reported on { $date }
reports-photos = { $count ->
    [one] { $count } photo
   *[other] { $count } photos
}
reports-photo-alt = Photo { $n } of your report
reports-next-attempt = Next attempt on { $date }
reports-timeline = Progress
reports-sent-note = Your town hall has received this report.
reports-queued-note = Saved on this device: it will be sent as soon as the town hall's server can be reached.

report-step = Step { $step } of 3
report-cancel = Cancel
report-back = Back
report-next = Next
report-send = Send the report
report-sending = Sending…
report-step1-title = What is the problem?
report-step2-title = Describe it
report-description = Description
report-description-hint = What you saw, since when, whether it is dangerous.
report-description-count = { $count } / { $max } characters
report-required = required
report-photos = Photos (optional, at most { $max })
report-photos-add = Add photos
report-photos-hint = Photos are scaled down and their metadata (including the GPS position) removed on this device, before anything is sent.
report-photo-not-image = “{ $name }” is not a photo that can be sent: choose a JPEG, PNG or WebP image.
report-photo-preparing = Preparing the photo…
report-photo-remove = Remove { $name }
report-contact = Your contact details (optional, never published)
report-contact-name = Name
report-contact-email = E-mail
report-contact-phone = Phone
report-step3-title = Where?
report-where = Say where
report-where-place = A place in the directory
report-where-address = An address
report-where-position = My current position
report-place-search = Search for a place
report-place-chosen = Chosen place: { $name }
report-place-none = No place matches.
report-address = Address
report-address-hint = Number and street, or a landmark ("in front of the Jean Macé school").
report-commune = Commune
report-position-use = Use my position
report-position-got = Position: { $lat }, { $lon }
report-position-unavailable = The position is not available on this device: choose a place or type an address.
report-error-category = Choose the kind of problem.
report-error-description = Describe the problem.
report-error-too-long = The description is longer than { $max } characters.
report-error-answer = Answer the question: { $question }
report-error-location = Say where the problem is.
report-error-photos = No more than { $max } photos.
report-filed = Report saved. It is sent as soon as the town hall can be reached; follow it here.
