//! Partner sites (requesters) and their widgets: the registry of partner
//! apps, the requester portal, the widget checks, shares, saves, the
//! guarded server-side fetch that saves use, and the Authorized Partner API
//! (`oauth`: OAuth 2.0 + PKCE and OpenID Connect).

pub mod oauth;
pub mod portal;
pub mod registry;
pub mod safe_fetch;
pub mod saves;
pub mod shares;
pub mod widget_check;
