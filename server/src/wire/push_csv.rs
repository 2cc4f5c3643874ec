//! The Push CSV file of the DigiLocker protocol: the columns, in order,
//! that the repository writes when it pushes and the locker's import reads.

/// The columns of a Push CSV row, in order.
pub const COLUMNS: [&str; 10] = [
    "Aadhaar",
    "Uri",
    "doc_type",
    "doc_name",
    "doc_id",
    "issued_on",
    "valid_from",
    "valid_to",
    "time_stamp",
    "Action",
];
