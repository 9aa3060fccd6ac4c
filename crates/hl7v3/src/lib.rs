//! HL7v3 AORTA messages: wrappers, batches, Ketenzorg payload reading and query building.

#![forbid(unsafe_code)]
