//! Building AORTA HL7v3 query messages (owned by the transport work).
