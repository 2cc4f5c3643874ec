//! At most `max_connections_per_address` open connections from one client
//! address (an IPv6 client counts per /64, as the throttle does). A
//! connection past the cap gets one 503 answer and is closed, so one client
//! cannot hold every file descriptor of the server.

use std::collections::HashMap;
use std::rc::Rc;
use std::sync::{Arc, Mutex};

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{Extensions, ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;

use crate::platform::error::Error;

/// The open connections per client address; shared by the server's workers.
#[derive(Clone, Default)]
pub struct Connections {
    open: Arc<Mutex<HashMap<String, usize>>>,
    cap: usize,
}

/// One connection's place in the count; it leaves when the connection
/// closes (actix drops a connection's data with it).
struct Slot {
    connections: Connections,
    key: String,
    over_cap: bool,
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut open = self.connections.open.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(n) = open.get_mut(&self.key) {
            *n -= 1;
            if *n == 0 {
                open.remove(&self.key);
            }
        }
    }
}

impl Connections {
    /// A count that allows `cap` connections per address.
    pub fn new(cap: usize) -> Connections {
        Connections {
            open: Arc::default(),
            cap,
        }
    }

    /// For `HttpServer::on_connect`: counts a new connection from `peer`.
    pub fn opened(&self, peer: Option<std::net::SocketAddr>, data: &mut Extensions) {
        let Some(peer) = peer else {
            return;
        };
        let key = crate::locker::throttle::address_key(&peer.ip().to_string());
        let mut open = self.open.lock().unwrap_or_else(|e| e.into_inner());
        let n = open.entry(key.clone()).or_insert(0);
        *n += 1;
        let over_cap = *n > self.cap;
        drop(open);
        data.insert(Rc::new(Slot {
            connections: self.clone(),
            key,
            over_cap,
        }));
    }
}

/// Middleware (`middleware::from_fn`): refuses the requests of a
/// connection past the cap.
pub async fn refuse_over_cap(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, actix_web::Error> {
    let over_cap = req.request().conn_data::<Rc<Slot>>().is_some_and(|slot| slot.over_cap);
    if over_cap {
        let error = Error::Busy {
            message: "too many open connections from your address; close some and try again".into(),
            retry_after: 1,
        };
        let mut response = actix_web::ResponseError::error_response(&error);
        response
            .head_mut()
            .set_connection_type(actix_web::http::ConnectionType::Close);
        return Ok(req.into_response(response).map_into_right_body());
    }
    next.call(req).await.map(ServiceResponse::map_into_left_body)
}
