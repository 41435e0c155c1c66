"""DynamoDB access through PynamoDB: models and repositories, one conditional write per rule."""
