//! Partner sites (requesters) and their widgets: the registry of partner
//! apps, the requester portal, the widget checks, shares, saves, and the
//! guarded server-side fetch that saves use.

pub mod portal;
pub mod registry;
pub mod safe_fetch;
pub mod saves;
pub mod shares;
pub mod widget_check;
