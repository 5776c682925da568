"""Excel exchange with the city union (batch format 1.0) and grassroots stations. No Qt."""
